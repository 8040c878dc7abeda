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
