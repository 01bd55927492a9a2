"""Importers that bring another CMS's content into the portal's own formats."""
