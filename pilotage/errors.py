"""Errors the services raise; their messages are French and shown to the user as they are."""


class PilotageError(Exception):
    """Base of the errors a user can be shown."""


class PermissionDenied(PilotageError):
    pass


class ConflictError(PilotageError):
    """Someone else saved the same row since it was read: nothing was written."""


class ValidationError(PilotageError):
    pass


class NotFound(PilotageError):
    pass


CONFLICT_MESSAGE = (
    "Cet élément a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert. "
    "Rien n'a été enregistré : rechargez la page pour voir la version actuelle, puis refaites "
    "votre modification."
)


DATABASE_UNAVAILABLE_MESSAGE = (
    "Base de données indisponible : le tableau de bord ne peut ni lire ni enregistrer pour le moment. "
    "Rien n'a été modifié. Réessayez dans quelques instants ; si cela dure, prévenez l'équipe du contrat."
)


def is_database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached (server down, network cut, file out of reach)."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return True
        exc = exc.__cause__ or exc.__context__
    return False
