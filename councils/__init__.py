"""Councils (Hội đồng nhân dân) of a province's two tiers: the province and its communes."""
