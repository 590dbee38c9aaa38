"""One stopword set per language: function words that never decide what a text is about."""

from __future__ import annotations

ENGLISH = frozenset(
    "a an the of to in on at for with by from and or but is are was were be been being it its "
    "this that these those what which who whom whose when where why how did do does done has "
    "have had about into over than then there their they them he she his her we our you your "
    "i me my not no yes any all some can could would should will shall may might must also "
    "according as since after before during while between each other such only just very "
    "more most much many get got become became make made take took both either so if "
    # Verbs that only say something took place: "when did the coup happen?"
    "happen happened occur occurred".split()
)
INDONESIAN = frozenset(
    "yang dan di ke dari untuk dengan pada ini itu adalah ialah merupakan dalam tidak akan juga "
    "atau oleh sebagai telah bahwa karena apa siapa kapan mana berapa bagaimana mengapa kenapa "
    "apakah para kami kita mereka dia ia beliau sudah ada bisa saat hari menurut antara seperti "
    "sang si pun lah kah nya tersebut soal tentang mengenai terkait atas bagi kepada hingga "
    "sampai lebih sangat paling masih baru lagi pernah sedang belum harus dapat boleh mau ingin "
    "secara serta namun tetapi tapi jika kalau agar supaya maka sehingga setelah sebelum sejak "
    "selama usai ketika yakni yaitu pula sendiri tak bukan tanpa dua kedua keduanya "
    "pihak salah satu seorang sebuah suatu hal saja manakah dimana menjadi "
    "terjadi terjadinya berlangsung".split()
)
ALL = ENGLISH | INDONESIAN
