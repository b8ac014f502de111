"""The `flask --app mapapp …` commands, one module per subject."""
from . import alerts, backup, boundaries, data, importer, national, users


def init_app(app):
    """Register every command."""
    for command in (data.seed_command, data.db_group, data.settings_command, users.create_user_command, importer.import_promise_command,
                    importer.compare_imports_command, boundaries.import_areas_command,
                    national.load_national_command, backup.backup_command, backup.restore_command,
                    alerts.send_alerts_command):
        app.cli.add_command(command)
