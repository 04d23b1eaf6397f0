"""The Cabinet Office metadata sheet (メタデータの共通項目): export to .xlsx / CSV and import."""
