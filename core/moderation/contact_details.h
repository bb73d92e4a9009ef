#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace listinglens {

// Contact details in text read off a photo: the violation classifieds sites
// see most (a seller's number written on the photo to move the sale off the
// site). Phone numbers through libphonenumber, for a default region and in
// international form; e-mail addresses; links; messenger handles and names
// (Telegram, WhatsApp, Viber, in Latin and Cyrillic spellings).
struct ContactDetail {
    enum class Kind { Phone, Email, Url, Handle, Messenger };
    Kind kind = Kind::Phone;
    QString value;   // phone: E.164 (+447700900123); e-mail: lower case; handle: @name; messenger: its name
    QString display; // phone: international format (+44 7700 900123); otherwise the value
    int start = 0;   // where it is in the text searched (QString indices)
    int length = 0;
};

QString contactKindName(ContactDetail::Kind kind); // phone, email, url, handle, messenger

struct ContactOptions {
    QString defaultRegion = QStringLiteral("GB"); // ISO 3166 region for numbers written without +country code
    QStringList otherRegions;                     // also tried for national numbers (a market near another: RU, DE...)
};

// Every contact detail in `text`, in text order, none overlapping. Prices,
// dates, sizes and model numbers are not phone numbers: a number must be
// valid for its region (libphonenumber's VALID leniency) and not be preceded
// by a currency sign or followed by a unit.
std::vector<ContactDetail> findContactDetails(const QString &text, const ContactOptions &options = {});

// For logs: digits but the last two, and the local part of an address, masked.
QString maskedContact(const ContactDetail &detail);

// True when `region` is a region libphonenumber knows (GB, DE, RU, US...).
bool isKnownPhoneRegion(const QString &region);

} // namespace listinglens
