"""Words mail clients write around quoted history, forwards and signatures, in many languages.

Collected from the fixtures and regular expressions of crisp-oss/email-reply-parser and
crisp-oss/email-forward-parser (MIT licence, Copyright (c) Crisp IM SAS), and from clients' own
localisations. Everything is compared lower-cased unless said otherwise.
"""

# ruff: noqa: RUF001  (mail clients write in many scripts: the letters are meant)

from __future__ import annotations

import re


def _lower(*words: str) -> frozenset[str]:
    return frozenset(word.lower() for word in words)


# Endings of an attribution line: "On <date>, <name> wrote:" (compared to the lower-cased line end).
WROTE_VERBS: tuple[str, ...] = tuple(
    sorted(
        _lower(
            "wrote", "writes", "a écrit", "écrit", "escribió", "escribio", "ha escrito", "escreveu", "ha scritto",
            "scritto", "schrieb", "schreef", "geschreven", "skrev", "kirjoitti", "napisał", "napisała",
            "napisał(a)", "napisal", "pisze", "napsal", "napsal(a)", "napísal", "napísal(a)", "написал",
            "написала", "написал(а)", "пишет", "написав", "написала:", "ezt írta", "írta", "yazdı",
            "şunu yazdı", "写道", "寫道", "작성", "のメッセージ", "a scris", "je napisal", "je napisao",
            "napisao", "napisala", "kirjutas", "rašė", "rakstīja", "έγραψε", "כתב", "كتب", "đã viết",
            "menulis", "skrifaði", "va escriure", "wrote the following", "schrieb folgendes",
        )
    )
)

# Separator lines "----- <phrase> -----" that start quoted or forwarded history.
SEPARATOR_PHRASES = _lower(
    "original message", "original-nachricht", "ursprüngliche nachricht", "oprindelig besked",
    "oprindelig meddelelse", "message d'origine", "message original", "mensaje original", "messaggio originale",
    "oorspronkelijk bericht", "origineel bericht", "alkuperäinen viesti", "ursprungligt meddelande",
    "opprinnelig melding", "mensagem original", "wiadomość oryginalna", "oryginalna wiadomość",
    "původní zpráva", "pôvodná správa", "исходное сообщение", "оригинальное сообщение", "вихідне повідомлення",
    "eredeti üzenet", "orijinal mesaj", "özgün ileti", "izvorna poruka", "originalna poruka", "mesaj original",
    "mesajul original", "αρχικό μήνυμα", "原始邮件", "原始郵件", "原始信件", "元のメッセージ", "원본 메시지",
    "reply message", "forwarded message", "forwarded message follows", "weitergeleitete nachricht",
    "videresendt meddelelse", "mensaje reenviado", "message transmis", "message transféré",
    "messaggio inoltrato", "doorgestuurd bericht", "videresendt melding", "przekazana wiadomość",
    "treść przekazanej wiadomości", "mensagem reencaminhada", "mensagem encaminhada", "mesaj redirecționat",
    "пересылаемое сообщение", "перенаправленное сообщение", "preposlaná správa", "přeposlaná zpráva",
    "vidarebefordrat meddelande", "İletilmiş mesaj", "İletilen İleti", "перенаправлене повідомлення",
    "переслане повідомлення", "továbbított üzenet", "edelleenlähetetty viesti", "välitetty viesti / fwd.msg",
    "proslijeđena poruka", "preposlaná správa --- forwarded message", "转发邮件", "轉寄郵件", "転送メッセージ",
)
SEPARATOR_PHRASE_PREFIXES = ("original message", "forwarded message", "forwarded by")

# Phrases that only ever introduce a forward (strong evidence, no subject prefix needed).
FORWARD_SEPARATOR_PHRASES = _lower(
    "forwarded message", "forwarded message follows", "weitergeleitete nachricht", "videresendt meddelelse",
    "mensaje reenviado", "message transmis", "message transféré", "messaggio inoltrato", "doorgestuurd bericht",
    "videresendt melding", "przekazana wiadomość", "treść przekazanej wiadomości", "mensagem reencaminhada",
    "mensagem encaminhada", "mesaj redirecționat", "пересылаемое сообщение", "перенаправленное сообщение",
    "preposlaná správa", "přeposlaná zpráva", "vidarebefordrat meddelande", "İletilmiş mesaj", "İletilen İleti",
    "перенаправлене повідомлення", "переслане повідомлення", "továbbított üzenet", "edelleenlähetetty viesti",
    "välitetty viesti / fwd.msg", "proslijeđena poruka", "preposlaná správa --- forwarded message", "转发邮件",
    "轉寄郵件", "転送メッセージ",
    "メッセージを転送", "wiadomość przesłana dalej", "videresendt e-mail",
)

# Apple Mail and friends: a whole line "Begin forwarded message:".
FORWARD_INTROS = _lower(
    "begin forwarded message", "forwarded message", "začátek přeposílané zprávy", "start på videresendt besked",
    "anfang der weitergeleiteten nachricht", "inicio del mensaje reenviado", "välitetty viesti alkaa",
    "début du message réexpédié", "début du message transféré", "započni proslijeđenu poruku",
    "továbbított levél kezdete", "inizio messaggio inoltrato", "begin doorgestuurd bericht", "videresendt melding",
    "początek przekazywanej wiadomości", "início da mensagem reencaminhada", "início da mensagem encaminhada",
    "începe mesajul redirecționat", "начало переадресованного сообщения", "začiatok preposlanej správy",
    "vidarebefordrat mejl", "İleti başlangıcı", "початок листа, що пересилається", "転送されたメッセージ",
)

# The label of the first line of an Outlook-style header block ("From: …").
FROM_LABELS = _lower(
    "from", "von", "de", "van", "da", "od", "fra", "från", "lähettäjä", "feladó", "от", "від", "kimden",
    "gönderen", "mittente", "nadawca", "saatja", "šalje", "expeditorul", "отправитель", "від кого", "de la",
    "寄件者", "发件人", "發件人", "差出人", "보낸 사람", "送信者", "送信元", "afzender", "remitente", "frá", "nuo",
)
TO_LABELS = _lower(
    "to", "an", "à", "a", "para", "aan", "do", "till", "til", "vastaanottaja", "címzett", "кому", "komu", "kime",
    "către", "destinatarul", "pre", "prima", "pour", "adresat", "收件者", "收件人", "宛先", "送信先", "받는 사람",
)
CC_LABELS = _lower(
    "cc", "kopie", "kopio", "másolat", "kopi", "dw", "копия", "kopia", "bilgi", "копія", "másolatot kap",
    "kópia", "kopie (cc)", "copie à", "copia", "cópia", "副本", "抄送", "참조",
)
SUBJECT_LABELS = _lower(
    "subject", "předmět", "emne", "betreff", "asunto", "aihe", "objet", "predmet", "tárgy", "oggetto",
    "onderwerp", "temat", "assunto", "subiectul", "subiect", "тема", "ämne", "konu", "sujet", "naslov", "件名",
    "主题", "主旨", "제목",
)
DATE_LABELS = _lower(
    "date", "datum", "dato", "fecha", "päivämäärä", "dátum", "data", "dată", "дата", "tarih", "sent", "päiväys",
    "sendt", "gesendet", "enviado", "envoyé", "envoyé le", "date d'envoi", "lähetetty", "elküldve", "inviato",
    "verzonden", "wysłano", "trimis", "отправлено", "odoslané", "skickat", "gönderilen", "gönderildi",
    "відправлено", "надіслано", "odesláno", "poslano", "enviada", "日付", "送信日時", "日期", "发送时间",
    "發送時間", "날짜", "보낸 날짜", "sent on", "enviado el",
)
REPLY_TO_LABELS = _lower(
    "reply-to", "odgovori na", "odpověď na", "svar til", "antwoord aan", "vastaus", "répondre à", "antwort an",
    "válaszcím", "rispondi a", "odpowiedź-do", "responder a", "răspuns către", "ответ-кому", "odpovedať-pre",
    "svara till", "yanıt adresi", "кому відповісти",
)
HEADER_LABELS = FROM_LABELS | TO_LABELS | CC_LABELS | SUBJECT_LABELS | DATE_LABELS | REPLY_TO_LABELS | {"bcc"}

# Labels that Yahoo glues to the previous value on one line ("…<a@b.c>To: …Subject: …"), case as written.
_GLUED_LABELS = (
    "To", "Sent", "Date", "Subject", "Cc", "CC", "An", "Gesendet", "Betreff", "Datum", "À", "Envoyé", "Objet",
    "Para", "Enviado", "Asunto", "Fecha", "Inviato", "Oggetto", "Aan", "Verzonden", "Onderwerp", "Do", "Wysłano",
    "Temat", "Till", "Skickat", "Ämne", "Til", "Sendt", "Emne", "Vastaanottaja", "Lähetetty", "Aihe", "Címzett",
    "Elküldve", "Tárgy", "Кому", "Отправлено", "Тема", "Komu", "Odesláno", "Předmět", "Kime", "Gönderilen", "Konu",
    "Către", "Trimis", "Subiect", "Pre", "Odoslané", "Predmet", "Data", "Assunto", "Kopie", "Kopio", "Másolat",
    "Kopi", "Копия", "Kópia", "Kopia", "Копія", "Dw", "Від", "Відправлено",
)
_GLUED_LABEL_RE = re.compile(
    "(?:(?:" + "|".join(re.escape(label) for label in sorted(_GLUED_LABELS, key=len, reverse=True)) + r")[ \t]?:"
    r"|Assunto(?= ))"  # Yahoo (pt) drops the colon after "Assunto"
)


def glued_labels(line: str, start: int = 0) -> list[re.Match[str]]:
    """Header labels glued to the previous value ("…SEČPředmět:"): not preceded by a lower-case letter."""
    return [m for m in _GLUED_LABEL_RE.finditer(line, start) if m.start() == 0 or not line[m.start() - 1].isalpha()
            or line[m.start() - 1].isupper()]

# Start of a one-line phone or app signature (case as written: "sent from my iPhone" in a sentence is text).
MOBILE_SIGNATURES = (
    "Sent from ", "Sent with ", "Sent via ", "Sent using ", "Sent on the go", "Get Outlook for ",
    "Envoyé de mon ", "Envoyé depuis ", "Envoyé à partir de ", "Envoyé avec ", "Télécharger Outlook pour ",
    "Obtenir Outlook pour ", "Enviado desde ", "Enviado do meu ", "Enviado de mi ", "Enviado de meu ",
    "Enviado do ", "Obtener Outlook para ", "Von meinem ", "Gesendet von ", "Gesendet mit ", "Gesendet vom ",
    "Holen Sie sich Outlook für ", "Outlook für ", "Sendt fra ", "Verzonden vanaf ", "Verstuurd vanaf ",
    "Verzonden met ", "Inviato da ", "Inviato dal ", "Skickat från ", "Wysłane z ", "Wysłano z ", "Odesláno z ",
    "Odoslané z ", "Отправлено с ", "Отправлено из ", "Надіслано з ", "Poslano z ", "Poslano iz ", "Trimis de pe ",
    "Sendt från ", "从我的", "发自我的", "iPhoneから送信", "iPadから送信", "Lähetetty iPhonesta",
)

# A whole line that closes a message ("Regards,"), compared without trailing punctuation.
SIGN_OFFS = _lower(
    "regards", "best regards", "kind regards", "warm regards", "warmest regards", "best wishes", "all the best",
    "cheers", "sincerely", "yours sincerely", "sincerely yours", "yours truly", "yours faithfully", "best",
    "many thanks", "thanks in advance", "cordialement", "bien cordialement", "bien à vous", "salutations",
    "meilleures salutations", "sincères salutations", "bonne journée", "bonne soirée", "mit freundlichen grüßen",
    "mit freundlichen grüssen", "freundliche grüße", "freundliche grüsse", "viele grüße", "viele grüsse",
    "beste grüße", "liebe grüße", "herzliche grüße", "lg", "vg", "mfg", "gruß", "grüße", "schöne grüße",
    "saludos", "un saludo", "saludos cordiales", "atentamente", "cordiales saludos", "cordiali saluti",
    "distinti saluti", "saluti", "un saluto", "met vriendelijke groet", "met vriendelijke groeten",
    "vriendelijke groet", "groeten", "groet", "mvg", "med vänliga hälsningar", "vänliga hälsningar", "hälsningar",
    "mvh", "med venlig hilsen", "venlig hilsen", "med vennlig hilsen", "vennlig hilsen", "hilsen",
    "ystävällisin terveisin", "terveisin", "pozdrawiam", "z poważaniem", "serdecznie pozdrawiam", "s pozdravem",
    "s pozdravom", "с уважением", "с наилучшими пожеланиями", "з повагою", "atenciosamente", "cumprimentos",
    "abraços", "um abraço", "melhores cumprimentos", "saygılarımla", "üdvözlettel", "tisztelettel", "cu stimă",
    "cu respect", "s poštovanjem", "pozdrav", "よろしくお願いします", "よろしくお願いいたします", "此致",
    "감사합니다",
)
# Only a sign-off when followed by a comma ("Thanks," then a name); "Thanks!" alone is the message.
COMMA_SIGN_OFFS = _lower(
    "thanks", "thank you", "thanks again", "thx", "merci", "danke", "gracias", "grazie", "bedankt", "tack", "takk",
    "tak", "kiitos", "dziękuję", "спасибо", "obrigado", "obrigada", "best",
)
SIGN_OFF_LAST_WORDS = _lower(
    "regards", "cordialement", "grüße", "grüssen", "grüsse", "saludos", "saluti", "groet", "groeten",
    "hälsningar", "hilsen", "terveisin", "pozdrawiam", "salutations", "wishes",
)
DISCLAIMER_WORDS = ("confidential", "disclaimer", "intended recipient", "privileged", "vertraulich", "confidentiel")
