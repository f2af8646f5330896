"""The audit trail: who did what, when, from where, for the meeting's secretary and for admins."""
