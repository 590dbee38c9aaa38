"""Story grouping (index.stories) on synthetic Indonesian news texts."""

from __future__ import annotations

import random

import pytest

from index.stories import StoryMember, group_stories, signature

# A made-up press release; every name in it is invented.
PORT_DEAL = [
    "PT Samudra Nusantara Logistik menandatangani nota kesepahaman dengan perusahaan pelabuhan "
    "asal Rusia, Volga Port Holding, untuk membangun terminal peti kemas baru di Bitung, "
    "Sulawesi Utara, pada Rabu (12/3/2025).",
    "Direktur Utama Samudra Nusantara Logistik, Hendra Wiratama, mengatakan kerja sama itu "
    "menjadi langkah awal perusahaan untuk memperluas jaringan logistik di kawasan timur "
    "Indonesia dan membuka rute pelayaran langsung ke Vladivostok.",
    '"Terminal ini kami rancang untuk melayani dua juta peti kemas setiap tahun, dengan '
    'dermaga sepanjang delapan ratus meter dan derek otomatis yang hemat energi," kata Hendra '
    "dalam keterangan tertulisnya.",
    "Nilai investasi proyek tersebut diperkirakan mencapai Rp 4,2 triliun dan akan dibiayai "
    "bersama oleh kedua perusahaan melalui skema usaha patungan yang mayoritas sahamnya dipegang "
    "pihak Indonesia.",
    "Pembangunan tahap pertama dijadwalkan dimulai pada akhir tahun ini setelah seluruh izin "
    "lingkungan dan tata ruang diterbitkan oleh pemerintah daerah serta kementerian terkait.",
    "Perwakilan Volga Port Holding, Dmitri Sokolov, menyebut Bitung dipilih karena letaknya "
    "strategis di bibir Samudra Pasifik dan dekat dengan jalur perdagangan menuju Asia Timur.",
    "Ia menambahkan perusahaannya juga akan mengirim tenaga ahli untuk melatih operator "
    "pelabuhan lokal selama dua tahun pertama sejak terminal mulai beroperasi.",
]

# The same company and people, other facts: another report on the same subject.
QUARTERLY = [
    "PT Samudra Nusantara Logistik membukukan pendapatan Rp 1,3 triliun pada kuartal pertama "
    "2025, naik sembilan persen dibandingkan periode yang sama tahun lalu, Jumat (25/4/2025).",
    "Direktur Utama Samudra Nusantara Logistik, Hendra Wiratama, menyebut kenaikan itu ditopang "
    "oleh lonjakan pengiriman komoditas perikanan dari Maluku dan Papua ke pasar ekspor.",
    '"Kami juga menambah enam kapal kontainer berukuran sedang untuk rute Surabaya, Makassar, '
    'dan Ambon agar waktu tunggu di pelabuhan bisa dipangkas," ujar Hendra kepada wartawan.',
    "Perseroan menargetkan laba bersih tumbuh dua digit hingga akhir tahun, meski biaya bahan "
    "bakar kapal dan suku bunga pinjaman masih menjadi tantangan utama bagi industri pelayaran.",
    "Selain itu, perusahaan tengah menyiapkan gudang berpendingin di Makassar dengan kapasitas "
    "lima ribu ton untuk menampung hasil tangkapan nelayan sebelum dikirim ke luar negeri.",
    "Hendra menegaskan proyek terminal bersama mitra dari Rusia di Bitung tetap berjalan sesuai "
    "jadwal dan tidak terganggu oleh rencana ekspansi armada tahun ini.",
]

# A different story altogether, for the digest (hub) test.
FLOOD = [
    "Banjir setinggi satu meter merendam ratusan rumah di tiga kecamatan di Kabupaten Bandung, "
    "Jawa Barat, setelah hujan deras mengguyur sejak Selasa malam (11/3/2025).",
    "Kepala Badan Penanggulangan Bencana Daerah setempat, Agus Setiadi, mengatakan sedikitnya "
    "empat ratus keluarga terpaksa mengungsi ke masjid dan balai desa terdekat.",
    '"Kami sudah mendirikan dapur umum dan menyalurkan selimut serta makanan siap saji untuk '
    'para pengungsi, terutama anak-anak dan lansia," kata Agus di lokasi banjir.',
    "Petugas gabungan dari TNI, Polri, dan relawan mengerahkan perahu karet untuk mengevakuasi "
    "warga yang masih bertahan di lantai dua rumah mereka.",
    "Menurut pantauan, air mulai surut pada Rabu siang, tetapi sejumlah ruas jalan utama masih "
    "tergenang dan belum bisa dilalui kendaraan roda dua.",
    "Pemerintah daerah mengimbau warga di bantaran Sungai Citarum tetap waspada karena curah "
    "hujan tinggi diperkirakan berlanjut hingga akhir pekan.",
]


def text(paragraphs: list[str], dateline: str = "", furniture: str = "") -> str:
    body = "\n".join(paragraphs)
    return f"{dateline}{body}" + (f"\n{furniture}" if furniture else "")


def member(
    article_id: str,
    body: str,
    *,
    date: str = "2025-03-12T10:00+07:00",
    outlet: str = "liputan6.com",
    agency: str = "",
) -> StoryMember:
    return StoryMember(article_id, date, outlet, signature(body), agency)


def edited_copy() -> str:
    """New lead, one paragraph dropped, a few words changed: how outlets rework releases."""
    lead = (
        "Sebuah terminal peti kemas baru akan dibangun di Bitung lewat kerja sama perusahaan "
        "logistik nasional dan mitra dari Rusia, Rabu (12/3/2025)."
    )
    rest = [p.replace("mengatakan", "menuturkan") for p in PORT_DEAL[1:]]
    del rest[3]
    return text([lead, *rest], dateline="JAKARTA - ")


def test_signature_is_fixed_size_deterministic_and_ignores_outlet_furniture() -> None:
    plain = signature(text(PORT_DEAL))
    assert isinstance(plain, bytes) and len(plain) == 1040
    assert signature(text(PORT_DEAL)) == plain
    assert signature(text(PORT_DEAL, dateline="Liputan6.com, Jakarta - ")) == plain
    assert (
        signature(
            text(PORT_DEAL, dateline="JAKARTA, KOMPAS.com - ", furniture="[Gambas:Video 20detik]")
        )
        == plain
    )


def test_two_outlets_copies_of_one_article_are_one_story() -> None:
    stories = group_stories(
        [
            member("a", text(PORT_DEAL, "Liputan6.com, Jakarta - ")),
            member("b", text(PORT_DEAL, "JAKARTA, KOMPAS.com - "), outlet="kompas.com"),
        ]
    )
    assert stories["a"] == stories["b"]


def test_edited_copy_with_new_lead_and_a_dropped_paragraph_still_joins() -> None:
    stories = group_stories(
        [
            member("original", text(PORT_DEAL)),
            member("edited", edited_copy(), outlet="okezone.com", date="2025-03-12T13:00+07:00"),
        ]
    )
    assert stories["original"] == stories["edited"]


def test_truncated_copy_joins_the_full_article() -> None:
    stories = group_stories(
        [
            member("full", text(PORT_DEAL), outlet="detik.com"),
            member("first-half", text(PORT_DEAL[:3]), date="2025-03-12T11:00+07:00"),
        ]
    )
    assert stories["full"] == stories["first-half"]


def test_different_report_on_the_same_subject_stays_apart() -> None:
    stories = group_stories(
        [
            member("deal", text(PORT_DEAL)),
            member("results", text(QUARTERLY), outlet="detik.com", date="2025-04-25T09:00+07:00"),
        ]
    )
    assert stories["deal"] != stories["results"]


def test_canonical_member_is_earliest_then_agency_then_smallest_id() -> None:
    body = text(PORT_DEAL)
    earliest = group_stories(
        [
            member("b", body, date="2025-03-12T09:00+07:00"),
            member("c", body, date="2025-03-12T08:00+07:00", outlet="detik.com"),
            member("a", body, date="2025-03-12T10:00+07:00", outlet="kompas.com"),
        ]
    )
    assert set(earliest.values()) == {"c"}
    agency = group_stories(
        [
            member("a", body),
            member("b", body, outlet="detik.com", agency="Antara"),
        ]
    )
    assert set(agency.values()) == {"b"}
    smallest = group_stories([member("b", body), member("a", body, outlet="detik.com")])
    assert set(smallest.values()) == {"a"}
    # The same instant written in another zone is the same date.
    zones = group_stories(
        [
            member("b", body, date="2025-03-12T03:00+00:00"),
            member("a", body, date="2025-03-12T10:00+07:00", outlet="detik.com"),
        ]
    )
    assert set(zones.values()) == {"a"}
    undated = group_stories(
        [member("a", body, date=""), member("b", body, outlet="detik.com", date="2025-03-13")]
    )
    assert set(undated.values()) == {"b"}


def test_removing_one_member_of_three_keeps_the_other_two_together() -> None:
    three = [
        member("lp6", text(PORT_DEAL, "Liputan6.com, Jakarta - ")),
        member("okz", edited_copy(), outlet="okezone.com", date="2025-03-12T11:00+07:00"),
        member("dtk", text(PORT_DEAL[:-1]), outlet="detik.com", date="2025-03-12T12:00+07:00"),
    ]
    assert len(set(group_stories(three).values())) == 1
    for gone in three:
        rest = [m for m in three if m is not gone]
        stories = group_stories(rest)
        assert stories[rest[0].article_id] == stories[rest[1].article_id]


def test_grouping_does_not_depend_on_input_order() -> None:
    members = [
        member("deal-lp6", text(PORT_DEAL)),
        member("deal-okz", edited_copy(), outlet="okezone.com", date="2025-03-12T13:00+07:00"),
        member("deal-dtk", text(PORT_DEAL[:4]), outlet="detik.com"),
        member("results", text(QUARTERLY), outlet="detik.com", date="2025-04-25T09:00+07:00"),
        member("flood-a", text(FLOOD), date="2025-03-11T22:00+07:00"),
        member("flood-b", text(FLOOD[:5]), outlet="kompas.com", date="2025-03-11T22:00+07:00"),
        member("empty", ""),
    ]
    expected = group_stories(members)
    assert expected["deal-lp6"] == expected["deal-okz"] == expected["deal-dtk"] == "deal-dtk"
    assert expected["flood-a"] == expected["flood-b"] == "flood-a"
    assert expected["results"] == "results" and expected["empty"] == "empty"
    rng = random.Random(7)
    for _ in range(5):
        shuffled = members[:]
        rng.shuffle(shuffled)
        assert group_stories(shuffled) == expected


def test_later_digest_of_two_reports_does_not_chain_them() -> None:
    members = [
        member("deal", text(PORT_DEAL)),
        member("flood", text(FLOOD), outlet="kompas.com"),
        member(
            "digest",
            text(PORT_DEAL[:4] + FLOOD[:4]),
            outlet="detik.com",
            date="2025-03-13T07:00+07:00",
        ),
    ]
    guarded = group_stories(members)
    assert guarded["deal"] != guarded["flood"]
    assert guarded["digest"] == "deal"
    # Plain connected components would merge the two reports through the digest.
    chained = group_stories(members, join="components")
    assert chained["deal"] == chained["flood"]


def test_same_outlet_follow_up_is_a_new_story_but_a_rerun_is_not() -> None:
    update = [
        "Pemerintah Kota Bitung menyatakan siap mempercepat izin terminal peti kemas yang akan "
        "dibangun Samudra Nusantara Logistik bersama mitra Rusia, Kamis (13/3/2025).",
        "Wali Kota Bitung, Rudy Mantiri, mengatakan lahan seluas dua puluh hektare di kawasan "
        "ekonomi khusus sudah disiapkan dan tidak bermasalah secara hukum.",
        '"Kami tidak ingin investasi sebesar ini tertahan hanya karena urusan administrasi '
        'yang berlarut-larut," ujar Rudy saat ditemui di kantornya.',
    ]
    stories = group_stories(
        [
            member("first", text(PORT_DEAL)),
            member("follow-up", text(update + PORT_DEAL), date="2025-03-13T09:00+07:00"),
            member("rerun", text(PORT_DEAL), date="2025-03-13T06:00+07:00"),
        ]
    )
    assert stories["rerun"] == "first"
    assert stories["follow-up"] == "follow-up"


def test_same_outlet_daily_template_editions_are_separate_stories() -> None:
    edition = [
        "Berikut jadwal kapal penyeberangan dari Pelabuhan Merak ke Bakauheni hari ini, "
        "{day} ({date}/3/2025), yang dirilis pengelola pelabuhan untuk para penumpang.",
        *PORT_DEAL[2:6],
    ]

    def template(day: str, date: int) -> str:
        return text([edition[0].format(day=day, date=date), *edition[1:]])

    stories = group_stories(
        [
            member("wed", template("Rabu", 12)),
            member("thu", template("Kamis", 13), date="2025-03-13T10:00+07:00"),
            # Another outlet copying Wednesday's edition on Thursday re-dates it: still a copy.
            member(
                "copy", template("Kamis", 13), outlet="detik.com", date="2025-03-13T11:00+07:00"
            ),
        ]
    )
    assert stories["wed"] != stories["thu"]
    assert stories["copy"] == "wed"


def test_bad_input_is_refused() -> None:
    body = signature(text(PORT_DEAL))
    with pytest.raises(ValueError, match="unique"):
        group_stories([StoryMember("a", "", "", body), StoryMember("a", "", "", body)])
    with pytest.raises(ValueError, match="bytes"):
        group_stories([StoryMember("a", "", "", body[:-4])])
    with pytest.raises(ValueError, match="format"):
        group_stories([StoryMember("a", "", "", b"XX" + body[2:])])
    with pytest.raises(ValueError, match="join"):
        group_stories([StoryMember("a", "", "", body)], join="single")  # type: ignore[arg-type]
    assert group_stories([]) == {}
