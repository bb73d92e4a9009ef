#pragma once

#include <QString>
#include <QStringList>

#include <random>

namespace listinglens {

// What a seller writes on a photo to move the sale off the site, for the
// text benchmark and its tests: phone numbers of the UK and the CIS markets
// (real number plans from libphonenumber's metadata, digits drawn at random
// and kept valid) in the forms sellers write them, e-mail addresses,
// messenger handles, links, and stock-photo marks.
struct ContactSample {
    QString kind;     // phone, email, handle, url or stock
    QString text;     // what is written
    QString expected; // what a reader should find: E.164, the address, @handle, the link, the mark
    QString label;    // a line a layout may write above it ("WhatsApp / Viber"), or empty
};

// The families of samples: the one the reading is tuned on, one it never
// sees while it is tuned (other number forms and wordings), and a wider one
// held out from both (the unseen number forms, other names, addresses and
// links, and fonts, layouts and grounds of its own: text_layouts.h).
enum class SampleFamily { Tune, Unseen, Wide };

// Regions phone numbers are drawn from, in turn.
QStringList sampleRegions();

// A phone number of `region` as a seller writes it.
ContactSample phoneSample(const QString &region, SampleFamily family, std::mt19937 &rng);

// kind 0 phone (a region drawn from sampleRegions()), 1 e-mail, 2 handle, 3 link, 4 stock mark.
ContactSample contactSample(int kind, SampleFamily family, std::mt19937 &rng);

} // namespace listinglens
