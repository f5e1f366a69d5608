"""Settings: the pydantic model of the configuration file and its Singkawang defaults."""

from config.load import DEFAULT_CONFIG, load_settings
from config.settings import Settings

__all__ = ["DEFAULT_CONFIG", "Settings", "load_settings"]
