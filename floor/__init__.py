"""The floor of a sitting: who speaks, questioning (chất vấn) and its commitments, the hall screen."""
