"""The Chat tab: the conversation beside the panel of each answer's sources."""

from __future__ import annotations

import gradio as gr

from ui import render
from ui.handlers import Handlers

EXAMPLES = [
    "What kind of cooperation did Russian and Palestinian officials discuss in Moscow?",
    "Apa yang dipuji Putin dan Li Shangfu dalam pertemuan mereka?",
    "Whom did Sergei Lavrov visit in Jakarta?",
    "Mengapa Rusia dan China memperluas kerja sama keamanan?",
]
# "also reported by" links open that outlet's copy of the story in the panel.
CARRIER_CLICK = """
element.addEventListener('click', (event) => {
  const link = event.target.closest ? event.target.closest('a.carrier') : null;
  if (!link) return;
  event.preventDefault();
  const mark = link.closest('.source').querySelector('.passage mark');
  trigger('read', {article: link.dataset.article, quote: mark ? mark.textContent : ''});
});
"""


def build_chat_tab(handlers: Handlers) -> None:
    """The tab's chat, question box, examples and sources panel, and their events."""
    with gr.Tab("Chat", id="chat"):
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Conversation",
                    elem_id="mitra-chat",
                    height=520,
                    feedback_options=None,
                    buttons=["copy", "copy_all"],
                    placeholder="Ask in English or Bahasa Indonesia.",
                )
                with gr.Row():
                    question = gr.Textbox(
                        label="Question",
                        show_label=False,
                        placeholder="Ask a question · Ajukan pertanyaan",
                        max_length=handlers.assistant.settings.max_question_chars,
                        max_lines=4,
                        scale=5,
                        elem_id="mitra-question",
                    )
                    ask = gr.Button("Ask", variant="primary", scale=1, elem_id="mitra-ask")
                gr.Examples(EXAMPLES, inputs=question, label="Examples · Contoh")
                new_chat = gr.Button("New conversation", size="sm")
            with gr.Column(scale=2):
                sources = gr.HTML(
                    render.EMPTY_SOURCES, elem_id="mitra-sources", js_on_load=CARRIER_CLICK
                )
        history = gr.State([])
        turns = gr.State([])

    gr.on(
        [question.submit, ask.click],
        handlers.respond,
        inputs=[question, chatbot, history, turns],
        outputs=[question, chatbot, history, turns, sources],
        api_name="chat",
    )
    gr.on(
        [new_chat.click, chatbot.clear],
        lambda: ([], [], [], render.EMPTY_SOURCES),
        outputs=[chatbot, history, turns, sources],
        api_visibility="private",
    )
    sources.read(handlers.read, inputs=turns, outputs=sources, api_visibility="private")
