"""The Scrapy project: one generic spider driven by per-site configs in crawler/sources."""
