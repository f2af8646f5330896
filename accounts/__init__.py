"""Users, login by form and by token, the roster import, and the socket auth guard."""
