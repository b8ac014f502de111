"""Where the app's files are: inside an installed package, or at the top of a checkout."""
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
PROJECT_ROOT = PACKAGE_ROOT.parent


def resource_dir(name: str) -> Path:
    """templates/ or geodata/: shipped inside the package by a wheel, at the checkout's top otherwise."""
    inside = PACKAGE_ROOT / name
    return inside if inside.is_dir() else PROJECT_ROOT / name
