"""Domain and storage of the Contrat de Ville steering dashboard. Never imports streamlit."""
