"""Models to pages: layouts, HTML, the one WeasyPrint adapter, page fitting and jumps."""
