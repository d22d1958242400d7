"""Flask glue shared by the feature blueprints."""
