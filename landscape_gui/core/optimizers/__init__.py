"""Optimizers: their declarations, pure update rules with torch.optim's arithmetic, learning-rate schedules, captions and glyph vectors."""
