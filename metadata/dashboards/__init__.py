"""Dashboards over managed data (3: managed data, 5: DMP compliance and e-Rad metadata counts) and the
institution and funder dashboards (6) that scope them. The adoption dashboards (1, 2) are in `policy`."""
