"""The web interface (`mitra ui`); the only package that imports Gradio."""
