"""Tribble's route handlers, one module per resource of the contract: parse, call one domain or core
function, render."""
