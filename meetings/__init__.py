"""Meetings, their agenda, who belongs to them, and who may do what (one place)."""
