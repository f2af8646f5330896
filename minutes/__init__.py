"""The minutes (biên bản kỳ họp): drafted from what the app recorded, in Nghị định 30's layout."""
