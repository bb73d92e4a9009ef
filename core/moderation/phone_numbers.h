#pragma once

#include "contact_details.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace listinglens {

// Phone numbers in a line of text read off a photo, for each of `regions`
// (the first wins where a national number is valid in two). Through
// libphonenumber: numbers valid for their region (the VALID leniency)
// whatever their punctuation, "tel:" or "WhatsApp" before them, and digits
// OCR split or misread ('O' for 0, 'l' for 1). Phone-shaped digits that no
// region calls valid, or that are valid with one digit more, fewer or other
// ("107377 110517"), come as possible numbers (ContactDetail::possible), for
// review. Prices, sizes, dates and times are not numbers.
std::vector<ContactDetail> findPhoneNumbers(const QString &text, const QStringList &regions);

} // namespace listinglens
