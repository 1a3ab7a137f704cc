"""The one generic spider (news.py), configured by crawler/sources/*.yml."""
