"""The session model: a scenario's data and declarations, TOML in and out with errors that name the field, presets."""
