"""The sitting (phiên họp): attendance with the hall's code, quorum, and votes counted by the law."""
