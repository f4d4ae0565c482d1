"""What customers write about and how agents answer: templates for the demo and benchmark conversations.

Placeholders are filled per ticket: {order} {product} {tracking} {amount} {invoice} {card} {days} {plan}
{device} {city} {date} {error} {name} (the customer's first name) {agent} (the agent's first name) {brand}.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """One concrete problem within a topic: how customers title it, describe it, and the first answer."""

    subjects: tuple[str, ...]
    opening: str
    reply: str


@dataclass(frozen=True)
class Topic:
    """One kind of matter customers contact support about."""

    key: str
    ticket_type: str
    tags: tuple[str, ...]
    team: str  # the team name that usually handles it ("" for none)
    priority_weights: tuple[int, int, int, int]  # low, normal, high, urgent
    order_field: bool  # whether the ticket carries an order number
    cases: tuple[Case, ...]
    follow_ups: tuple[str, ...]
    replies: tuple[str, ...]  # later answers in the conversation
    notes: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (
    Topic(
        key="shipping",
        ticket_type="question",
        tags=("shipping", "late-delivery", "tracking"),
        team="Tier 1",
        priority_weights=(15, 60, 20, 5),
        order_field=True,
        cases=(
            Case(
                ("Where is my order {order}?", "Order {order} has not arrived", "Delivery delayed for order {order}"),
                "I ordered the {product} on {date} (order {order}) and it still has not arrived. The tracking page "
                "has said 'in transit' for {days} days now. Can you tell me where my package is?",
                "I am sorry your order {order} is taking longer than expected. I have checked with the courier: "
                "the parcel is at their depot in {city} and should be delivered within {days} working days.",
            ),
            Case(
                ("Tracking number {tracking} shows no updates", "Package stuck in {city}"),
                "My tracking number {tracking} has not been updated since the parcel left the warehouse in {city}. "
                "I need the {product} before the weekend, is there anything you can do?",
                "Thanks for your patience. I have opened an investigation with the carrier for tracking number "
                "{tracking}. If the parcel is not found within 48 hours we will send a replacement at no cost.",
            ),
            Case(
                ("Wrong delivery address on {order}", "Change shipping address for order {order}"),
                "Hello, I think I entered the wrong delivery address for order {order}. The street is right but "
                "the postcode is wrong. Can the courier still deliver it?",
                "I have updated the delivery address on order {order}. The courier will use the corrected "
                "postcode.",
            ),
            Case(
                ("Package marked delivered but not received", "Order {order} never arrived"),
                "The courier says the package was delivered but nothing was left at my door and my neighbours have "
                "not seen it either. Order number {order}.",
                "I am sorry about this. I have filed a claim with the carrier for order {order} and shipped a "
                "replacement {product} today; you will get a new tracking number by email.",
            ),
        ),
        follow_ups=(
            "Thanks for checking. It is still not here today, the tracking has not moved.",
            "The courier came this morning, but I was not home. Can I pick it up somewhere in {city}?",
            "Got it, the parcel arrived just now. Thank you for your help!",
            "Any news? It has been another {days} days.",
        ),
        replies=(
            "Good news: the carrier confirmed the package is out for delivery today.",
            "You can pick the parcel up at the carrier's service point in {city} with your ID and the tracking "
            "number {tracking}.",
            "I have asked the carrier again and escalated the case. I will update you as soon as I hear back.",
            "Glad to hear it arrived. Enjoy your {product}!",
        ),
        notes=(
            "Carrier ticket opened, reference {tracking}. Check again on {date}.",
            "Second delay for this customer this month, consider a goodwill voucher.",
        ),
    ),
    Topic(
        key="refund",
        ticket_type="problem",
        tags=("refund", "return", "damaged"),
        team="Billing",
        priority_weights=(10, 55, 28, 7),
        order_field=True,
        cases=(
            Case(
                ("Item arrived damaged", "Damaged {product} in order {order}", "Broken on arrival"),
                "The {product} from order {order} arrived with a cracked housing. The box looked fine, so it must "
                "have been damaged before packing. I would like a refund or a replacement.",
                "I am sorry the {product} arrived damaged. I have issued a full refund of {amount} to your card "
                "ending in {card}; it usually appears within 3 to 5 working days.",
            ),
            Case(
                ("Still waiting for my refund", "Refund for order {order}", "Refund of {amount} not received"),
                "I sent the {product} back {days} days ago and the return was confirmed, but I still have not "
                "received my refund of {amount}. When can I expect it?",
                "I have checked your return: it arrived on {date} and the refund of {amount} was released the same "
                "day. Banks can take a few days to show it.",
            ),
            Case(
                ("I want to return the {product}", "Return label for order {order}"),
                "I would like to return the {product}. It does not fit my needs. Can you send me a return label for "
                "order {order}?",
                "Here is your prepaid return label for order {order}. Once the parcel reaches our warehouse we "
                "refund {amount} within {days} days.",
            ),
            Case(
                ("Wrong size received, exchange please", "Exchange for order {order}"),
                "I received the wrong size. I ordered a medium and got a large. Can I exchange it instead of "
                "returning it and ordering again?",
                "Of course. I have arranged an exchange: the medium ships today and the courier picks up the large "
                "one when it delivers, so there is nothing for you to pack.",
            ),
        ),
        follow_ups=(
            "I have attached photos of the damage. The box was not opened before.",
            "The refund still does not show on my card ending in {card}.",
            "Thank you, I have sent it back today with the label you gave me.",
            "Perfect, I can see the refund now. Thanks a lot!",
        ),
        replies=(
            "Thank you for the photos. I have arranged a free replacement for order {order}; it ships today and "
            "you do not need to send the damaged one back.",
            "The refund was sent on {date}. If it is not on your statement within two days, please send me a "
            "screenshot and I will ask our payment provider.",
            "Thanks, we will let you know as soon as the return reaches our warehouse.",
            "Great to hear. Is there anything else I can help you with?",
        ),
        notes=(
            "Refund of {amount} approved, within my limit.",
            "Customer had two damaged deliveries this year: flag the packaging issue to the warehouse.",
        ),
    ),
    Topic(
        key="login",
        ticket_type="incident",
        tags=("login", "password", "account"),
        team="Tier 1",
        priority_weights=(10, 50, 30, 10),
        order_field=False,
        cases=(
            Case(
                ("Can't log in to my account", "Login loop on the {device}", "Invalid credentials after reset"),
                "I cannot log in since this morning. I get 'invalid credentials' even though I just reset my "
                "password. I am using the app on my {device}.",
                "Sorry for the trouble. The app on the {device} keeps an old session after a password reset: "
                "please log out, close the app completely and log in again with the new password.",
            ),
            Case(
                ("Password reset email never arrives", "No password reset email"),
                "I requested a password reset three times but the email never arrives. I checked the spam folder "
                "too.",
                "Our email provider had a delay this morning. I have sent a new reset link manually; it should "
                "arrive within a few minutes and is valid for 60 minutes.",
            ),
            Case(
                ("Two-factor code not accepted", "2FA code rejected"),
                "The two-factor code from my authenticator app is always rejected. The time on my {device} is "
                "correct.",
                "Two-factor codes fail when the phone clock drifts. I have reset two-factor on your account, so "
                "you can set it up again after logging in.",
            ),
            Case(
                ("Account locked after too many attempts", "My account is locked"),
                "My account says it is locked after too many attempts. I need access today to download an invoice.",
                "I have unlocked your account. Please try to log in again and use 'Forgot password' if needed.",
            ),
        ),
        follow_ups=(
            "I tried again in a private window, same error: {error}.",
            "The reset email arrived now, but the link says it has expired.",
            "That worked, I am back in. Thanks!",
            "Still locked. Is there a faster way?",
        ),
        replies=(
            "The error {error} means the session cookie was blocked. Please allow cookies for our site and retry.",
            "I have sent a fresh reset link; please use it within the hour.",
            "Glad you are back in! Let us know if anything else comes up.",
            "I have removed the lock manually, you can log in right away.",
        ),
        notes=(
            "Identity verified by the last four digits of the card ({card}) before unlocking.",
            "Known issue with the {device} app, linked to the open bug report.",
        ),
    ),
    Topic(
        key="billing",
        ticket_type="question",
        tags=("billing", "invoice", "double-charge", "subscription"),
        team="Billing",
        priority_weights=(15, 50, 27, 8),
        order_field=False,
        cases=(
            Case(
                ("Charged twice for my subscription", "Double charge on my card", "Duplicate payment of {amount}"),
                "I was charged {amount} twice this month for the same subscription. Please refund the duplicate "
                "payment to my card ending in {card}.",
                "You are right, the payment went through twice. I have refunded the duplicate {amount} to your "
                "card ending in {card}.",
            ),
            Case(
                ("Invoice {invoice} for my records", "Copy of invoice {invoice}"),
                "Could you send me invoice {invoice} as a PDF? Our accounting needs it by the end of the month.",
                "I have attached invoice {invoice}. You can also download every invoice under Settings > Billing.",
            ),
            Case(
                ("Update my credit card", "New payment card"),
                "My card expired and I want to add a new one before the next billing date. Where do I do that?",
                "You can update your card under Settings > Billing > Payment method. The new card is used from the "
                "next billing date.",
            ),
            Case(
                ("Cancel my subscription", "Please cancel my {plan}"),
                "Please cancel my subscription at the end of the current period. I will not need it anymore.",
                "Your subscription is cancelled and stays active until the end of the current period on {date}.",
            ),
            Case(
                ("VAT number missing on invoice {invoice}", "Corrected invoice needed"),
                "Our VAT number is missing on invoice {invoice}. Can you issue a corrected invoice?",
                "I have issued a corrected invoice with your VAT number and voided {invoice}; both are attached.",
            ),
            Case(
                ("Upgrade to the {plan}", "Question about upgrading"),
                "We would like to upgrade to the {plan}. Will the price be prorated for this month?",
                "The upgrade to the {plan} is prorated: you only pay the difference for the remaining {days} days.",
            ),
        ),
        follow_ups=(
            "Thanks. Will the corrected invoice have the same number?",
            "I still see both charges on my statement.",
            "Great, that is all I needed.",
            "When does the change take effect exactly?",
        ),
        replies=(
            "The corrected invoice gets a new number; the old one is marked as void in your account.",
            "The second charge is only a pending authorisation and disappears within a few days.",
            "Happy to help. Have a great day!",
            "The change takes effect immediately; the next invoice on {date} shows it.",
        ),
        notes=(
            "Duplicate charge caused by the payment provider retry on {date}.",
            "Corrected invoice issued, old one voided.",
        ),
    ),
    Topic(
        key="product",
        ticket_type="question",
        tags=("product-question", "how-to", "warranty"),
        team="",
        priority_weights=(35, 55, 8, 2),
        order_field=False,
        cases=(
            Case(
                ("Is the {product} compatible with my {device}?", "Question about the {product}"),
                "Before I buy: is the {product} compatible with my {device}? The product page does not say.",
                "Yes, the {product} works with the {device}. You need the latest firmware, which installs "
                "automatically on first start.",
            ),
            Case(
                ("How do I set up the {product}?", "Pairing the {product}"),
                "I just got the {product} and I cannot figure out how to pair it. The manual only covers the older "
                "model.",
                "To pair the {product}, hold the power button for 5 seconds until the light blinks blue, then "
                "choose it in the Bluetooth settings of your {device}.",
            ),
            Case(
                ("Warranty for the {product}", "{product} stopped working"),
                "My {product} stopped working after {days} months. Is it still under warranty?",
                "The {product} has a 2-year warranty. I have registered a warranty claim; you will receive a "
                "shipping label by email.",
            ),
            Case(
                ("When is the {product} back in stock?", "{product} out of stock"),
                "The {product} has been out of stock for weeks. Do you know when it will be available again?",
                "We expect new stock of the {product} around {date}. I have added you to the notification list.",
            ),
        ),
        follow_ups=(
            "Thanks! And does it come with a charger?",
            "I followed the steps but the light keeps blinking red.",
            "That solved it, thank you.",
            "Can I pre-order it?",
        ),
        replies=(
            "A USB-C cable is included; any standard charger works.",
            "A red light means the battery is low. Please charge it for an hour and try again.",
            "You are welcome! Enjoy the {product}.",
            "Pre-orders open a week before the stock arrives; you will get an email.",
        ),
        notes=(
            "Manual for the new model is outdated, reported to the product team.",
            "Warranty claim created, serial number checked.",
        ),
    ),
    Topic(
        key="technical",
        ticket_type="incident",
        tags=("bug", "app", "checkout"),
        team="Tier 1",
        priority_weights=(10, 45, 30, 15),
        order_field=False,
        cases=(
            Case(
                ("App crashes on startup", "App keeps crashing on my {device}"),
                "Since the last update the app crashes right after the splash screen on my {device}. I already "
                "reinstalled it.",
                "Thanks for the report. This is a known issue in the current version for the {device}; a fix is "
                "being released today. Until then, please use the web app.",
            ),
            Case(
                ("Checkout fails with error {error}", "Cannot pay at checkout"),
                "I tried to pay three times and the checkout always fails with error {error}. My card works "
                "elsewhere.",
                "Error {error} comes from the payment provider. I have cleared the blocked payment attempt, so "
                "please try the checkout once more.",
            ),
            Case(
                ("Export to CSV does not work", "CSV export button does nothing"),
                "The CSV export button does nothing. I need the report for a meeting tomorrow.",
                "I have exported the report for you and attached it here. The export button is fixed in the next "
                "release.",
            ),
            Case(
                ("Sync error on the {device}", "Data not syncing"),
                "My data does not sync between the web app and my {device}: changes from today are missing.",
                "I have forced a full sync of your account. Please log out and back in on your {device}.",
            ),
        ),
        follow_ups=(
            "Here is what I see: error {error} after about ten seconds.",
            "It works on my laptop, just not on the {device}.",
            "The new version fixed it, thanks!",
            "Still happening after the update.",
        ),
        replies=(
            "Thanks, that helps. I have passed the details to our engineers and will update you today.",
            "The fix is now live. Please update the app on your {device} and let me know if it works.",
            "Great news, thanks for confirming!",
            "Could you send a screenshot of the error? That will help our engineers reproduce it.",
        ),
        notes=(
            "Reproduced on staging, bug filed with steps and logs.",
            "Affects several customers since the {date} release.",
        ),
    ),
)

TOPIC_WEIGHTS = (28, 22, 16, 16, 10, 8)  # shipping, refund, login, billing, product, technical


@dataclass(frozen=True)
class Language:
    """Templates for a customer who writes in another language (agents answer in it too).

    subjects, openings and replies go together by position: the n-th reply answers the n-th opening.
    """

    code: str
    subjects: tuple[str, ...]
    openings: tuple[str, ...]
    follow_ups: tuple[str, ...]
    replies: tuple[str, ...]
    greeting: str
    sign_off: str
    agent_greeting: str
    agent_sign_off: str


LANGUAGES: tuple[Language, ...] = (
    Language(
        code="de",
        subjects=("Wo bleibt meine Bestellung {order}?", "Rückerstattung für {product}", "Anmeldung funktioniert "
                  "nicht"),
        openings=(
            "Meine Bestellung {order} ist nach {days} Tagen immer noch nicht angekommen. Können Sie bitte "
            "nachsehen, wo das Paket ist?",
            "Der {product} kam beschädigt an. Ich möchte eine Rückerstattung über {amount}.",
            "Ich kann mich seit gestern nicht mehr anmelden, obwohl ich das Passwort zurückgesetzt habe.",
        ),
        follow_ups=("Vielen Dank für die schnelle Antwort!", "Leider ist noch nichts passiert.", "Hat geklappt, "
                    "danke schön."),
        replies=(
            "Es tut mir leid für die Verzögerung. Das Paket liegt im Depot in {city} und wird in {days} Tagen "
            "zugestellt.",
            "Ich habe die Rückerstattung über {amount} veranlasst. Sie sehen sie in 3 bis 5 Werktagen.",
            "Ich habe Ihr Konto entsperrt. Bitte melden Sie sich erneut an.",
        ),
        greeting="Hallo,",
        sign_off="Viele Grüße",
        agent_greeting="Hallo {name},",
        agent_sign_off="Freundliche Grüße",
    ),
    Language(
        code="fr",
        subjects=("Où est ma commande {order} ?", "Remboursement du {product}", "Impossible de me connecter"),
        openings=(
            "Ma commande {order} n'est toujours pas arrivée après {days} jours. Pouvez-vous vérifier où se trouve "
            "le colis ?",
            "Le {product} est arrivé endommagé. Je souhaite être remboursé de {amount}, s'il vous plaît.",
            "Je n'arrive plus à me connecter depuis hier, même après avoir réinitialisé mon mot de passe.",
        ),
        follow_ups=("Merci beaucoup pour votre réponse rapide !", "Toujours rien reçu, hélas.", "C'est réglé, "
                    "merci."),
        replies=(
            "Je suis désolé pour ce retard. Le colis est au dépôt de {city} et sera livré d'ici {days} jours.",
            "J'ai effectué le remboursement de {amount}. Il apparaîtra sous 3 à 5 jours ouvrés.",
            "J'ai débloqué votre compte. Vous pouvez vous reconnecter dès maintenant.",
        ),
        greeting="Bonjour,",
        sign_off="Cordialement",
        agent_greeting="Bonjour {name},",
        agent_sign_off="Bien cordialement",
    ),
    Language(
        code="es",
        subjects=("¿Dónde está mi pedido {order}?", "Reembolso del {product}", "No puedo iniciar sesión"),
        openings=(
            "Mi pedido {order} todavía no ha llegado después de {days} días. ¿Pueden decirme dónde está el "
            "paquete?",
            "El {product} llegó dañado. Quisiera el reembolso de {amount}, por favor.",
            "No puedo iniciar sesión desde ayer aunque cambié la contraseña. Uso la app en mi {device}.",
        ),
        follow_ups=("¡Muchas gracias por la ayuda!", "Sigue sin llegar, lamentablemente.", "Ya funciona, "
                    "gracias."),
        replies=(
            "Lamento el retraso. El paquete está en el almacén de {city} y llegará en {days} días.",
            "He tramitado el reembolso de {amount}. Lo verá en 3 a 5 días hábiles.",
            "He desbloqueado su cuenta. Ya puede iniciar sesión de nuevo.",
        ),
        greeting="Hola,",
        sign_off="Saludos",
        agent_greeting="Hola {name}:",
        agent_sign_off="Un saludo cordial",
    ),
    Language(
        code="nl",
        subjects=("Waar blijft mijn bestelling {order}?", "Terugbetaling voor {product}"),
        openings=(
            "Mijn bestelling {order} is na {days} dagen nog steeds niet bezorgd. Kunt u kijken waar het pakket is?",
            "De {product} is beschadigd aangekomen. Ik wil graag mijn geld terug ({amount}).",
        ),
        follow_ups=("Bedankt voor de snelle reactie!", "Nog steeds niets ontvangen."),
        replies=(
            "Excuses voor de vertraging. Het pakket ligt in {city} en wordt binnen {days} dagen bezorgd.",
            "Ik heb de terugbetaling van {amount} in gang gezet.",
        ),
        greeting="Hallo,",
        sign_off="Met vriendelijke groet",
        agent_greeting="Beste {name},",
        agent_sign_off="Met vriendelijke groet",
    ),
    Language(
        code="pt",
        subjects=("Onde está a minha encomenda {order}?", "Reembolso do {product}"),
        openings=(
            "A minha encomenda {order} ainda não chegou depois de {days} dias. Podem verificar onde está?",
            "O {product} chegou danificado. Gostaria de receber o reembolso de {amount}.",
        ),
        follow_ups=("Obrigado pela ajuda!", "Ainda não recebi nada."),
        replies=(
            "Peço desculpa pelo atraso. A encomenda está em {city} e será entregue em {days} dias.",
            "Já processei o reembolso de {amount}. Deverá aparecer em 3 a 5 dias úteis.",
        ),
        greeting="Olá,",
        sign_off="Cumprimentos",
        agent_greeting="Olá {name},",
        agent_sign_off="Com os melhores cumprimentos",
    ),
)
LANGUAGE_WEIGHTS = (4, 3, 3, 1, 1)  # percent of tickets, the rest are in English

GREETINGS = ("Hi,", "Hello,", "Hi there,", "Good morning,", "Dear support team,", "Hey,")
SIGN_OFFS = ("Thanks,", "Thank you,", "Best regards,", "Cheers,", "Kind regards,", "Many thanks,")
AGENT_GREETINGS = ("Hi {name},", "Hello {name},", "Dear {name},", "Hi {name}, thanks for reaching out.")
AGENT_SIGN_OFFS = ("Best regards,", "Kind regards,", "All the best,", "Thanks,")
THANKS = ("Thank you!", "Thanks a lot.", "Much appreciated.", "Thanks for the quick answer.")

FIRST_NAMES = (
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Leon", "Sofia", "Mateo", "Chloé", "Hugo", "Léa",
    "Jonas", "Anna", "Lukas", "Marta", "Diego", "Lucía", "Pablo", "Inês", "João", "Sanne", "Daan", "Aisha",
    "Omar", "Yuki", "Hiro", "Mei", "Wei", "Priya", "Arjun", "Fatima", "Kwame", "Zoë", "Björn", "Åsa", "Søren",
    "Nikolai", "Olga", "Chen", "Ravi", "Elif", "Mehmet", "Grace", "Ethan", "Isabella", "James", "Amelia", "Jack",
)
LAST_NAMES = (
    "Smith", "Johnson", "Brown", "Müller", "Schmidt", "Dubois", "Martin", "García", "Fernández", "Rossi",
    "Silva", "Santos", "de Vries", "Jansen", "Kowalski", "Nowak", "Novák", "Horváth", "Yilmaz", "Kaya", "Tanaka",
    "Sato", "Kim", "Lee", "Wang", "Li", "Patel", "Sharma", "Okafor", "Mensah", "Andersson", "Nielsen", "Hansen",
    "O'Brien", "Murphy", "Kelly", "Walsh", "Taylor", "Wilson", "Moreau", "Lefèvre", "Weiß", "Schäfer", "Núñez",
)
COMPANIES = (
    ("Brightwave Studios", "brightwave.example"),
    ("Northwind Traders", "northwind.example"),
    ("Bluebird Logistics", "bluebird.example"),
    ("Kestrel Analytics", "kestrel.example"),
    ("Lumen Health", "lumen.example"),
    ("Copperleaf Foods", "copperleaf.example"),
    ("Halcyon Travel", "halcyon.example"),
    ("Ironbark Tools", "ironbark.example"),
    ("Juniper Schools", "juniper.example"),
    ("Marigold Hotels", "marigold.example"),
    ("Nordlicht GmbH", "nordlicht.example"),
    ("Atelier Rivière", "riviere.example"),
    ("Soluciones Andinas", "andinas.example"),
    ("Vermeer & Zonen", "vermeer.example"),
    ("Sakura Design", "sakura.example"),
    ("Oakridge Dental", "oakridge.example"),
)
PERSONAL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example", "post.example")
CITIES = ("Berlin", "Hamburg", "Lyon", "Madrid", "Porto", "Rotterdam", "Leeds", "Chicago", "Toronto", "Osaka",
          "Milan", "Vienna", "Zürich", "Kraków", "Göteborg", "Dublin")
DEVICES = ("iPhone 15", "Pixel 8", "Galaxy S23", "iPad Air", "MacBook", "Windows laptop", "Android tablet")
PLANS = ("Pro plan", "Business plan", "Team plan", "Premium plan")
ERRORS = ("E1042", "PAY-402", "ERR_TIMEOUT", "SYNC-17", "AUTH-401", "HTTP 500")
EXTRA_TAGS = ("vip", "follow-up", "escalated", "feedback", "first-contact")
# Extra sentences that make messages read like real ones (and vary their length).
CUSTOMER_DETAILS = (
    "I have been a customer for {years} years and this never happened before.",
    "This is the second time I am writing about this.",
    "Please let me know as soon as possible.",
    "I am available by phone at {phone} if that is easier.",
    "I already checked the help center but could not find an answer.",
    "My account email is the one I am writing from.",
    "I would appreciate a quick reply, it is quite urgent for me.",
    "Thanks in advance for your help.",
)
AGENT_CLOSINGS = (
    "If you have any other questions, just reply to this message.",
    "Is there anything else I can help you with?",
    "We are sorry for the inconvenience.",
    "Thank you for your patience while we looked into this.",
    "I will keep this ticket open until I hear back from you.",
)
