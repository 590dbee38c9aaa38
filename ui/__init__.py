"""The applications: the `mitra` command line and the web page (the only code that imports
Gradio, and only when `mitra ui` runs)."""
