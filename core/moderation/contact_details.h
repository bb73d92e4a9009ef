#pragma once

#include "error.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace listinglens {

// Contact details in text read off a photo: the violation classifieds sites
// see most (a seller's number written on the photo to move the sale off the
// site). Phone numbers through libphonenumber, national forms of several
// regions and international ones (phone_numbers.h); e-mail addresses, also
// as OCR misreads them ("sara@gmail comm"); links; messenger handles and
// names (Telegram, WhatsApp, Viber, in Latin and Cyrillic spellings).
struct ContactDetail {
    enum class Kind { Phone, Email, Url, Handle, Messenger };
    Kind kind = Kind::Phone;
    QString value;   // phone: E.164 (+447700900123); e-mail: lower case; handle: @name; messenger: its name
    QString display; // phone: international format (+44 7700 900123); otherwise the value
    int start = 0;   // where it is in the text searched (QString indices)
    int length = 0;
    // Not read for certain, for review: phone-shaped digits that no region
    // calls valid (value: the digits as read), a valid number one digit away
    // from what was read (value: that number), or a handle whose @ OCR ran
    // into the word before it.
    bool possible = false;
};

QString contactKindName(ContactDetail::Kind kind); // phone, email, url, handle, messenger

// Regions whose national numbers are read: the market's own first (a number
// valid in two regions is read as the first's), then the others a seller on
// it may write. The default covers the UK and the CIS markets.
struct ContactOptions {
    QString defaultRegion = QStringLiteral("GB"); // ISO 3166 region for numbers written without +country code
    QStringList otherRegions = {QStringLiteral("RU"), QStringLiteral("KZ"), QStringLiteral("KG"), QStringLiteral("UA"),
                                QStringLiteral("BY"), QStringLiteral("UZ")};

    // defaultRegion, then otherRegions, upper case, the known ones once each.
    QStringList regions() const;
};

// "KG,RU,KZ": the first is the market's own, the rest other regions; one
// region ("GB") keeps the default others. Refused (InvalidArgument) for a
// region libphonenumber does not know.
Result<ContactOptions> contactOptionsFor(const QString &regionList);

// Every contact detail in `text`, in text order, none overlapping. Prices,
// dates, sizes and model numbers are not phone numbers: a currency sign
// before or a unit after rules a number out.
std::vector<ContactDetail> findContactDetails(const QString &text, const ContactOptions &options = {});

// For logs: digits but the last two, and the local part of an address, masked.
QString maskedContact(const ContactDetail &detail);

// True when `region` is a region libphonenumber knows (GB, DE, RU, US...).
bool isKnownPhoneRegion(const QString &region);

} // namespace listinglens
