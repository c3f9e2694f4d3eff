"""Bulk imports from files: contacts now; orders, invoices and payments reuse the report."""
