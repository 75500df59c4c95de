"""What people read: terminal tables, exports, spreadsheets, maps and the report."""
