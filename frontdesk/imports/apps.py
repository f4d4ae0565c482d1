from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "frontdesk.imports"
    label = "imports"
    verbose_name = "Imports"
