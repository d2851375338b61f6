"""How the gateway is reached: HTTP routes, and the bus (its consumers)."""
