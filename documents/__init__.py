"""Documents of agenda items: upload, versions, pages, text layer, paragraphs and page images."""
