"""Services: the domain logic. They take plain values and `now`, never Telegram objects."""
