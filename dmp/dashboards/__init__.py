"""Dashboard 4: DMP review (figures in `selectors`, pages in `views`)."""
