"""Drop's route handlers, one module per resource."""
