"""The whole-contract workbook's layout: its sheets, their French headers, what each column holds and allows.

Objects refer to each other by keys the user can read and type, never by database ids: a neighbourhood by
its slug, a priority by "programme#rang", a meeting or a decision by the reference of its row. Text sizes come
from the models' columns (the same sizes pilotage/lengths.py enforces at every flush).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import String

from pilotage import models
from pilotage.formats import MEETING_KIND_LABELS
from pilotage.progress import WEATHERS
from pilotage.queries.swot import QUADRANTS

CONTOUR_PART_LENGTH = 32_000  # a contour's GeoJSON text is cut into parts this long, one row each
LIST_SEPARATOR = "; "
README = "Lisez-moi"


def _limit(model: type, key: str) -> int | None:
    """The size of a model's text column (None for an unsized text, as the database stores any length)."""
    column_type = model.__table__.c[key].type
    if isinstance(column_type, String) and column_type.length:
        return column_type.length
    return None


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its field, French header, kind of value and what it may hold."""

    field: str
    header: str
    help: str
    kind: str = "text"  # text | int | float | date | time | bool | list | json
    required: bool = False
    limit: int | None = None
    slug: bool = False  # an identifier used in URLs: lower-case ASCII letters, digits and hyphens
    choices: tuple[str, ...] = ()
    ref: str | None = None  # the sheet whose keys the value (each item, for a list) must be
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Sheet:
    name: str
    help: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # fields that identify a row, unique in the sheet

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)


def slug(model: type, header: str, help_text: str) -> Column:
    """A required identifier column, sized like the model's slug."""
    return Column("slug", header, help_text, required=True, slug=True, limit=_limit(model, "slug"))


def text(model: type, key: str, header: str, help_text: str, **options) -> Column:
    """A text column sized like its model column."""
    return Column(key, header, help_text, limit=_limit(model, key), **options)


def archived(what: str) -> Column:
    """The archive flag of a row: archived objects leave lists and counts, their history stays."""
    return Column("archived", "Archivé", f"oui si {what} est archivé (retiré des listes, son historique gardé), "
                  "sinon non ou vide.", kind="bool")


def sourced(model: type) -> tuple[Column, ...]:
    """The three columns of every row that cites a document."""
    return (text(model, "source", "Source", "Nom du document d'où vient la donnée."),
            Column("illustrative", "Illustratif", "oui si la valeur est illustrative (absente des documents), "
                   "sinon non.", kind="bool"),
            text(model, "note", "Remarque", "Pourquoi la valeur est illustrative, ou toute précision."))


M = models
PRIORITY_REF = "Priorité sous la forme programme#rang (par exemple projet-planoise#3)."
CONTRACT = Sheet("Contrat", "Une seule ligne : le contrat lui-même.", (
    slug(M.Contract, "Identifiant", "Identifiant court du contrat (minuscules, chiffres, tirets), unique dans la "
         "base."),
    text(M.Contract, "name", "Nom", "Nom complet du contrat.", required=True),
    text(M.Contract, "territory", "Territoire", "Territoire couvert (EPCI, commune).", required=True),
    text(M.Contract, "epci", "EPCI", "Intercommunalité qui porte le contrat."),
    Column("communes", "Communes (JSON)", 'Communes du contrat en JSON : [{"code": "25056", "name": "Besançon"}].',
           kind="json"),
    Column("start_year", "Année de début", "Première année du contrat (2024).", kind="int", required=True,
           minimum=1900, maximum=2200),
    Column("end_year", "Année de fin", "Dernière année du contrat (2030).", kind="int", required=True,
           minimum=1900, maximum=2200),
    Column("signed_on", "Signé le", "Date de signature (jj/mm/aaaa).", kind="date"),
    Column("status", "Statut", "en_cours, termine ou cadre.", choices=("en_cours", "termine", "cadre"),
           required=True, limit=_limit(M.Contract, "status")),
    text(M.Contract, "summary", "Résumé", "Une phrase qui dit ce qu'est ce contrat."),
    Column("staleness_months", "Seuil « sans nouvelles » (mois)", "Une priorité sans point d'avancement depuis "
           "plus longtemps est signalée.", kind="int", required=True, minimum=1, maximum=120),
    Column("indicator_freshness_years", "Fraîcheur des indicateurs (ans)", "Une valeur plus ancienne est "
           "signalée.", kind="int", required=True, minimum=1, maximum=100),
    Column("previous_contract", "Contrat précédent", "Identifiant du contrat que celui-ci prolonge, s'il est dans "
           "la base.", limit=_limit(M.Contract, "slug")),
    archived("le contrat"),
    *sourced(M.Contract),
), key=("slug",))
ORGANISATIONS = Sheet("Organisations", "Partenaires signataires, porteurs, organisations présentes aux instances "
                      "ou responsables de décisions. Une organisation déjà dans la base (même nom) est reprise.", (
    text(M.Organisation, "name", "Nom", "Nom exact de l'organisation.", required=True),
    text(M.Organisation, "kind", "Type", "etat, collectivite, bailleur, organisme, association ou autre.",
         required=True),
), key=("name",))
SIGNATORIES = Sheet("Signataires", "Les signataires du contrat et de ses programmes.", (
    Column("organisation", "Organisation", "Nom d'une ligne de l'onglet Organisations.", required=True,
           ref="Organisations", limit=_limit(M.Organisation, "name")),
    Column("programme", "Programme", "Identifiant du programme signé ; vide pour le contrat lui-même.",
           ref="Programmes", limit=_limit(M.Programme, "slug")),
), key=("programme", "organisation"))
MILESTONES = Sheet("Jalons", "Les dates clés du contrat (évaluations, signature, fin).", (
    Column("date", "Date", "jj/mm/aaaa.", kind="date", required=True),
    text(M.Milestone, "label", "Libellé", "Ce qui a lieu à cette date.", required=True),
    text(M.Milestone, "kind", "Type", "evaluation, signature, fin ou autre.", required=True),
    *sourced(M.Milestone),
))
RULES = Sheet("Règles de gouvernance", "La fréquence attendue de chaque sorte d'instance.", (
    Column("meeting_kind", "Type d'instance", ", ".join(MEETING_KIND_LABELS) + ".", required=True,
           choices=tuple(MEETING_KIND_LABELS), limit=_limit(M.GovernanceRule, "meeting_kind")),
    Column("scope", "Portée", "contract (le contrat), neighbourhood (chaque quartier doté d'un projet) ou "
           "programme.", required=True, choices=("contract", "neighbourhood", "programme"),
           limit=_limit(M.GovernanceRule, "scope")),
    Column("programme", "Programme", "Identifiant du programme, pour la portée programme.", ref="Programmes",
           limit=_limit(M.Programme, "slug")),
    Column("min_per_year", "Minimum par an", "Nombre entier.", kind="int", minimum=0, maximum=366),
    Column("max_per_year", "Maximum par an", "Nombre entier ; vide s'il n'y a pas de maximum.", kind="int",
           minimum=0, maximum=366),
    text(M.GovernanceRule, "quote", "Citation", "La phrase du document qui fixe la règle."),
    *sourced(M.GovernanceRule),
))
AREAS = Sheet("Territoires de comparaison", "Les territoires auxquels les quartiers sont comparés.", (
    slug(M.ComparisonArea, "Identifiant", "Identifiant court (besancon)."),
    text(M.ComparisonArea, "name", "Nom", "Nom affiché.", required=True),
    text(M.ComparisonArea, "kind", "Type", "commune, epci, departement ou france.", required=True),
), key=("slug",))
NEIGHBOURHOODS = Sheet("Quartiers", "QPV, quartiers fragiles et quartiers en veille, dans l'ordre d'affichage.", (
    slug(M.Neighbourhood, "Identifiant", "Identifiant court (planoise), unique dans le contrat."),
    text(M.Neighbourhood, "name", "Nom", "Nom affiché.", required=True),
    Column("kind", "Type", "qpv, fragile ou veille.", required=True, choices=("qpv", "fragile", "veille"),
           limit=_limit(M.Neighbourhood, "kind")),
    text(M.Neighbourhood, "official_code", "Code officiel", "Code QPV (QN02501M)."),
    text(M.Neighbourhood, "commune", "Commune", "Commune du quartier.", required=True),
    Column("population", "Population", "Nombre entier d'habitants.", kind="int", minimum=0),
    text(M.Neighbourhood, "population_year", "Année de la population", "Telle qu'imprimée (2018)."),
    text(M.Neighbourhood, "population_source", "Source de la population", "Document de la population."),
    text(M.Neighbourhood, "identity", "Identité", "Une phrase qui dit ce qu'est le quartier."),
    Column("geometry_approximate", "Contours approximatifs", "oui si les contours (onglet Contours) sont "
           "approximatifs.", kind="bool"),
    text(M.Neighbourhood, "geometry_source", "Source des contours", "D'où viennent les contours."),
    archived("le quartier"),
    *sourced(M.Neighbourhood),
), key=("slug",))
CONTOURS = Sheet("Contours", "Les contours des quartiers en texte GeoJSON (longitude, latitude WGS 84). Un "
                 "contour trop long pour une cellule est coupé en parties numérotées 1, 2, 3… à mettre bout à "
                 "bout.", (
    Column("neighbourhood", "Quartier", "Identifiant d'une ligne de l'onglet Quartiers.", required=True,
           ref="Quartiers", limit=_limit(M.Neighbourhood, "slug")),
    Column("part", "Partie", "1 pour la première partie du texte, 2 pour la suivante…", kind="int",
           required=True, minimum=1, maximum=10_000),
    Column("geojson", "GeoJSON", f"Géométrie GeoJSON (Polygon ou MultiPolygon), {CONTOUR_PART_LENGTH} "
           "caractères au plus par partie.", required=True),
), key=("neighbourhood", "part"))
FRAMEWORK = Sheet("Cadre", "L'arbre du socle commun : axes, objectifs, sous-objectifs… Un nœud nomme le code de "
                  "son parent ; l'ordre des lignes est l'ordre d'affichage.", (
    text(M.FrameworkNode, "code", "Code", "Code du nœud (1, 1.2, 1.2.3), unique dans le contrat.", required=True),
    Column("parent", "Code du parent", "Code du nœud parent ; vide pour un axe.", ref="Cadre",
           limit=_limit(M.FrameworkNode, "code")),
    text(M.FrameworkNode, "level", "Niveau", "axe, objectif, sous-objectif…", required=True),
    text(M.FrameworkNode, "title", "Intitulé", "Intitulé du nœud.", required=True),
    archived("le nœud"),
    *sourced(M.FrameworkNode),
), key=("code",))
PROGRAMMES = Sheet("Programmes", "Projets de quartier, pactes, protocoles, dans l'ordre d'affichage.", (
    slug(M.Programme, "Identifiant", "Identifiant court (projet-planoise), unique dans le contrat."),
    text(M.Programme, "kind", "Type", "projet_quartier, pacte ou protocole.", required=True),
    text(M.Programme, "name", "Nom", "Nom affiché.", required=True),
    text(M.Programme, "title", "Intitulé", "Titre complet, s'il diffère du nom."),
    Column("neighbourhood", "Quartier", "Identifiant du quartier ; vide pour un programme de tout le contrat.",
           ref="Quartiers", limit=_limit(M.Neighbourhood, "slug")),
    Column("adopted_on", "Adopté le", "jj/mm/aaaa.", kind="date"),
    text(M.Programme, "discrepancy", "Écart relevé", "Écart relevé dans le document."),
    *sourced(M.Programme),
), key=("slug",))
PRIORITIES = Sheet("Priorités", "Les priorités ou mesures de chaque programme, dans l'ordre du document.", (
    Column("programme", "Programme", "Identifiant d'une ligne de l'onglet Programmes.", required=True,
           ref="Programmes", limit=_limit(M.Programme, "slug")),
    Column("rank", "Rang", "1 pour la première priorité du programme, 2 pour la suivante…", kind="int",
           required=True, minimum=1, maximum=100_000),
    text(M.Priority, "heading", "Rubrique", "Titre de la rubrique qui regroupe la priorité."),
    text(M.Priority, "number", "Numéro", "Tel qu'imprimé (1, Mesure 10)."),
    text(M.Priority, "text", "Texte", "Texte de la priorité.", required=True),
    Column("framework", "Cadre", "Codes des nœuds du cadre séparés par « ; ».", kind="list", ref="Cadre"),
    archived("la priorité"),
    *sourced(M.Priority),
), key=("programme", "rank"))
INDICATORS = Sheet("Indicateurs", "Les indicateurs du portrait, groupés par thème dans l'ordre d'affichage.", (
    text(M.Indicator, "code", "Code", "Code court (population), unique dans le contrat.", required=True),
    text(M.Indicator, "label", "Libellé", "Libellé affiché.", required=True),
    text(M.Indicator, "theme", "Thème", "Thème du portrait.", required=True),
    text(M.Indicator, "unit", "Unité", "habitants, %, €, ans…", required=True),
    Column("decimals", "Décimales", "Nombre de décimales affichées (0 à 6).", kind="int", required=True,
           minimum=0, maximum=6),
    text(M.Indicator, "definition", "Définition", "Définition imprimée."),
), key=("code",))
VALUES = Sheet("Valeurs", "Les valeurs des indicateurs, pour un quartier ou un territoire de comparaison.", (
    Column("indicator", "Indicateur", "Code d'une ligne de l'onglet Indicateurs.", required=True,
           ref="Indicateurs", limit=_limit(M.Indicator, "code")),
    Column("neighbourhood", "Quartier", "Identifiant du quartier (ou bien un territoire de comparaison).",
           ref="Quartiers", limit=_limit(M.Neighbourhood, "slug")),
    Column("area", "Territoire de comparaison", "Identifiant du territoire (ou bien un quartier).",
           ref="Territoires de comparaison", limit=_limit(M.ComparisonArea, "slug")),
    Column("value", "Valeur", "Nombre (virgule décimale acceptée).", kind="float", required=True),
    text(M.IndicatorValue, "year", "Année", "Telle qu'imprimée (2018, 2017-2019).", required=True),
    text(M.IndicatorValue, "source_detail", "Source statistique", "INSEE RP 2018…"),
    *sourced(M.IndicatorValue),
), key=("indicator", "neighbourhood", "area", "year"))
FACILITIES = Sheet("Équipements", "Centres sociaux, EVS, écoles… montrés sur les cartes.", (
    text(M.Facility, "name", "Nom", "Nom de l'équipement.", required=True),
    text(M.Facility, "kind", "Type", "centre_social, evs…", required=True),
    text(M.Facility, "commune", "Commune", "Commune."),
    text(M.Facility, "address", "Adresse", "Adresse postale."),
    Column("latitude", "Latitude", "Degrés décimaux WGS 84.", kind="float", minimum=-90, maximum=90),
    Column("longitude", "Longitude", "Degrés décimaux WGS 84.", kind="float", minimum=-180, maximum=180),
    Column("location_approximate", "Position approximative", "oui ou non.", kind="bool"),
    Column("neighbourhoods", "Quartiers", "Identifiants des quartiers desservis, séparés par « ; ».", kind="list",
           ref="Quartiers"),
    archived("l'équipement"),
    *sourced(M.Facility),
))
SWOT_ANALYSES = Sheet("Analyses FFOM", "Les versions datées des FFOM de chaque quartier.", (
    Column("ref", "Référence", "Référence de la version, unique dans l'onglet (ffom-1).", required=True,
           limit=80),
    Column("neighbourhood", "Quartier", "Identifiant du quartier.", required=True, ref="Quartiers",
           limit=_limit(M.Neighbourhood, "slug")),
    text(M.SwotAnalysis, "label", "Libellé", "Nom de la version.", required=True),
    Column("dated", "Date", "jj/mm/aaaa.", kind="date", required=True),
    text(M.SwotAnalysis, "status", "Statut", "derivee, de_travail, validee…", required=True),
    *sourced(M.SwotAnalysis),
), key=("ref",))
SWOT_ITEMS = Sheet("FFOM", "Les éléments des FFOM : forces, faiblesses, opportunités, menaces.", (
    Column("analysis", "Version", "Référence d'une ligne de l'onglet Analyses FFOM.", required=True,
           ref="Analyses FFOM", limit=80),
    Column("quadrant", "Quadrant", ", ".join(QUADRANTS) + ".", required=True, choices=QUADRANTS,
           limit=_limit(M.SwotItem, "quadrant")),
    Column("rank", "Rang", "1 pour le premier élément du quadrant, 2 pour le suivant…", kind="int", required=True,
           minimum=1, maximum=100_000),
    text(M.SwotItem, "text", "Texte", "Texte de l'élément.", required=True),
    text(M.SwotItem, "quote", "Citation", "Passage du document."),
    Column("archived", "Archivé", "oui ou non.", kind="bool"),
    Column("indicators", "Indicateurs", "Codes d'indicateurs liés, séparés par « ; ».", kind="list",
           ref="Indicateurs"),
    Column("priorities", "Priorités", "Priorités liées (programme#rang), séparées par « ; ».", kind="list",
           ref="Priorités"),
    *sourced(M.SwotItem),
), key=("analysis", "quadrant", "rank"))
MEETINGS = Sheet("Instances", "COPIL, comités techniques, revues de projet… Chaque instance a une référence que "
                 "les autres onglets citent.", (
    Column("ref", "Référence", "Référence de l'instance, unique dans l'onglet (instance-1).", required=True,
           limit=80),
    Column("date", "Date", "jj/mm/aaaa.", kind="date", required=True),
    Column("start_time", "Heure", "hh:mm ; vide pour une journée entière.", kind="time"),
    Column("kind", "Type", ", ".join(MEETING_KIND_LABELS) + ".", required=True, choices=tuple(MEETING_KIND_LABELS),
           limit=_limit(M.Meeting, "kind")),
    text(M.Meeting, "title", "Titre", "Titre de l'instance.", required=True),
    Column("status", "Statut", "prevue, tenue, annulee ou reportee.", required=True,
           choices=("prevue", "tenue", "annulee", "reportee"), limit=_limit(M.Meeting, "status")),
    Column("neighbourhood", "Quartier", "Identifiant du quartier concerné.", ref="Quartiers",
           limit=_limit(M.Neighbourhood, "slug")),
    Column("programme", "Programme", "Identifiant du programme concerné.", ref="Programmes",
           limit=_limit(M.Programme, "slug")),
    text(M.Meeting, "place", "Lieu", "Lieu de la réunion."),
    text(M.Meeting, "chairs", "Présidence", "Qui préside ou co-anime."),
    text(M.Meeting, "minutes", "Compte rendu", "Compte rendu."),
    text(M.Meeting, "quote", "Citation", "Passage du document qui mentionne l'instance."),
    Column("replaces", "Remplace", "Référence de l'instance reportée que celle-ci tient à une nouvelle date.",
           ref="Instances", limit=80),
    Column("running_order", "Ordre de séance (JSON)", "Ordre de séance modifié, en JSON ; vide pour l'ordre par "
           "défaut.", kind="json"),
    *sourced(M.Meeting),
), key=("ref",))
ATTENDANCE = Sheet("Participations", "Les organisations invitées à chaque instance et leur présence.", (
    Column("meeting", "Instance", "Référence d'une ligne de l'onglet Instances.", required=True, ref="Instances",
           limit=80),
    Column("organisation", "Organisation", "Nom d'une ligne de l'onglet Organisations.", required=True,
           ref="Organisations", limit=_limit(M.Organisation, "name")),
    Column("person", "Personne", "Nom de la personne, si elle est connue.", limit=_limit(M.Person, "name")),
    Column("invited", "Invitée", "oui ou non.", kind="bool"),
    Column("present", "Présente", "oui, non, ou vide si la présence n'est pas encore relevée.", kind="bool"),
), key=("meeting", "organisation", "person"))
AGENDA = Sheet("Ordre du jour", "Les points de l'ordre du jour de chaque instance.", (
    Column("meeting", "Instance", "Référence d'une ligne de l'onglet Instances.", required=True, ref="Instances",
           limit=80),
    Column("rank", "Rang", "1 pour le premier point de l'instance, 2 pour le suivant…", kind="int", required=True,
           minimum=1, maximum=100_000),
    text(M.AgendaItem, "section", "Rubrique", "Partie de l'ordre du jour."),
    text(M.AgendaItem, "title", "Titre", "Titre du point.", required=True),
    Column("neighbourhood", "Quartier", "Identifiant du quartier dont traite le point.", ref="Quartiers",
           limit=_limit(M.Neighbourhood, "slug")),
    Column("priority", "Priorité", PRIORITY_REF, ref="Priorités", limit=200),
    text(M.AgendaItem, "notes", "Notes", "Ce qui est présenté."),
    text(M.AgendaItem, "outcome", "Conclusion", "Ce que l'instance a conclu sur ce point."),
    Column("takes_up", "Reprend les décisions", "Références de décisions d'instances antérieures revues à ce "
           "point, séparées par « ; ».", kind="list", ref="Décisions"),
), key=("meeting", "rank"))
DECISIONS = Sheet("Décisions", "Décisions et suites à donner, avec leur responsable et leur échéance.", (
    Column("ref", "Référence", "Référence de la décision, unique dans l'onglet (decision-1).", required=True,
           limit=80),
    Column("meeting", "Instance", "Référence d'une ligne de l'onglet Instances.", required=True, ref="Instances",
           limit=80),
    Column("agenda_rank", "Point de l'ordre du jour", "Rang du point de l'ordre du jour de cette instance ; vide "
           "pour une décision hors ordre du jour.", kind="int", minimum=1, maximum=100_000),
    Column("kind", "Type", "decision ou suite.", required=True, choices=("decision", "suite"),
           limit=_limit(M.Decision, "kind")),
    text(M.Decision, "text", "Texte", "La décision.", required=True),
    Column("owner", "Organisation responsable", "Nom d'une ligne de l'onglet Organisations.", ref="Organisations",
           limit=_limit(M.Organisation, "name")),
    Column("owner_person", "Personne responsable", "Personne ou service responsable.",
           limit=_limit(M.Person, "name")),
    Column("due_on", "Échéance", "jj/mm/aaaa.", kind="date"),
    Column("status", "Statut", "ouverte, faite ou abandonnee.", required=True,
           choices=("ouverte", "faite", "abandonnee"), limit=_limit(M.Decision, "status")),
    Column("closed_on", "Close le", "jj/mm/aaaa.", kind="date"),
    Column("neighbourhood", "Quartier", "Identifiant du quartier concerné.", ref="Quartiers",
           limit=_limit(M.Neighbourhood, "slug")),
    Column("priority", "Priorité", PRIORITY_REF, ref="Priorités", limit=200),
    *sourced(M.Decision),
), key=("ref",))
UPDATES = Sheet("Points d'avancement", "Les points d'avancement datés des priorités ; le dernier donne l'état.", (
    Column("priority", "Priorité", PRIORITY_REF, required=True, ref="Priorités", limit=200),
    Column("sequence", "N° du point", "1 pour le premier point de la priorité, 2 pour le suivant…", kind="int",
           required=True, minimum=1, maximum=100_000),
    Column("recorded_on", "Date", "jj/mm/aaaa.", kind="date", required=True),
    Column("weather", "Météo", ", ".join(WEATHERS) + ".", required=True, choices=WEATHERS,
           limit=_limit(M.PriorityUpdate, "weather")),
    Column("progress", "Avancement (%)", "Nombre entier de 0 à 100.", kind="int", minimum=0, maximum=100),
    text(M.PriorityUpdate, "difficulties", "Difficultés", "Difficultés et points de blocage."),
    text(M.PriorityUpdate, "next_steps", "Prochaines étapes", "Prochaines étapes."),
    text(M.PriorityUpdate, "successes", "Réussites", "Réussites."),
    text(M.PriorityUpdate, "author", "Auteur", "Qui a fait le point."),
    Column("meeting", "Instance", "Référence de l'instance où le point a été fait.", ref="Instances", limit=80),
    *sourced(M.PriorityUpdate),
), key=("priority", "sequence"))

SHEETS: tuple[Sheet, ...] = (CONTRACT, ORGANISATIONS, SIGNATORIES, MILESTONES, RULES, AREAS, NEIGHBOURHOODS,
                             CONTOURS, FRAMEWORK, PROGRAMMES, PRIORITIES, INDICATORS, VALUES, FACILITIES,
                             SWOT_ANALYSES, SWOT_ITEMS, MEETINGS, ATTENDANCE, AGENDA, DECISIONS, UPDATES)
BY_NAME = {sheet.name: sheet for sheet in SHEETS}


@dataclass
class Records:
    """The rows of every sheet as Python values (dicts keyed by field), in the sheet's order."""

    rows: dict[str, list[dict]] = field(default_factory=lambda: {sheet.name: [] for sheet in SHEETS})

    def __getitem__(self, sheet_name: str) -> list[dict]:
        return self.rows[sheet_name]


def key_of(sheet: Sheet, row: dict) -> str:
    """The text other sheets use to refer to `row` ("projet-planoise#3" for a priority)."""
    return "#".join("" if row.get(name) is None else str(row[name]) for name in sheet.key)
