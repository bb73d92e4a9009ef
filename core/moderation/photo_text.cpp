#include "photo_text.h"

#include <QRegularExpression>

#include <algorithm>

namespace listinglens {

namespace {

// Whether a and b differ by one letter at most (one changed, added or left out).
bool oneEditApart(const QString &a, const QString &b)
{
    if (std::abs(int(a.size()) - int(b.size())) > 1)
        return false;
    int i = 0, j = 0, edits = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i] == b[j]) {
            ++i;
            ++j;
            continue;
        }
        if (++edits > 1)
            return false;
        if (a.size() > b.size())
            ++i;
        else if (b.size() > a.size())
            ++j;
        else {
            ++i;
            ++j;
        }
    }
    return edits + int(a.size() - i) + int(b.size() - j) <= 1;
}

// Contact details in a line's unsure reads that its shown text does not
// hold: possible ones, for review, the line's whole box their place. One a
// line at most, and none where the shown text already gave one. A handle
// read unsurely needs a digit in its word: an @ and four letters is what noise on a
// label reads as often as a handle.
void addUnsureContacts(const std::vector<TextLine> &lines, const ContactOptions &options, std::vector<FoundContact> &contacts)
{
    const std::size_t sure = contacts.size();
    for (const TextLine &line : lines) {
        const bool lineHasOne = std::any_of(contacts.begin(), contacts.begin() + std::ptrdiff_t(sure), [&](const FoundContact &c) {
            return line.box.contains(c.box.center());
        });
        if (lineHasOne)
            continue;
        for (const QString &read : line.unsureReads) {
            std::vector<ContactDetail> found = findContactDetails(read, options);
            std::erase_if(found, [&](const ContactDetail &d) {
                const QString word = read.mid(d.start).section(QLatin1Char(' '), 0, 0); // "@timur.k33" for the "@timur" found in it
                return d.kind == ContactDetail::Kind::Handle && std::none_of(word.begin(), word.end(), [](QChar c) { return c.isDigit(); });
            });
            if (found.empty())
                continue;
            found.front().possible = true;
            contacts.push_back({std::move(found.front()), line.box});
            break;
        }
    }
}

} // namespace

QString stockMark(const QString &line)
{
    // Watermarks are often spaced or split by OCR ("shutter stock"): spaces are ignored.
    static const QRegularExpression marks(
        QStringLiteral(R"(shutterstock|alamy|depositphotos|istock|gettyimages|dreamstime|123rf|adobestock|stockphoto|bigstock|fotolia)"),
        QRegularExpression::CaseInsensitiveOption);
    QString squeezed = line;
    squeezed.remove(QLatin1Char(' '));
    if (const auto m = marks.match(squeezed); m.hasMatch())
        return m.captured(0).toLower();
    // The long names also with a letter misread ("shuttersteck").
    static const QStringList longNames{QStringLiteral("shutterstock"), QStringLiteral("depositphotos"), QStringLiteral("gettyimages"),
                                       QStringLiteral("dreamstime"), QStringLiteral("adobestock")};
    const QString lower = squeezed.toLower();
    for (const QString &name : longNames) {
        for (int start = 0; start + name.size() - 1 <= lower.size(); ++start) {
            for (int length = int(name.size()) - 1; length <= int(name.size()) + 1 && start + length <= lower.size(); ++length) {
                if (oneEditApart(lower.mid(start, length), name))
                    return name;
            }
        }
    }
    if (line.contains(QChar(0x00A9))) // ©
        return QStringLiteral("©");
    return {};
}

QStringList PhotoText::flags() const
{
    QStringList out;
    if (!contacts.empty())
        out << QStringLiteral("contact_details");
    if (!stockMarks.isEmpty())
        out << QStringLiteral("stock_photo_text");
    return out;
}

QStringList PhotoModeration::flags() const
{
    QStringList out = text.flags();
    if (!faces.empty())
        out << QStringLiteral("person_in_photo");
    return out;
}

QString moderationStateName(PhotoModeration::State state)
{
    switch (state) {
    case PhotoModeration::State::Off: return QStringLiteral("off");
    case PhotoModeration::State::Pending: return QStringLiteral("pending");
    case PhotoModeration::State::Done: return QStringLiteral("done");
    case PhotoModeration::State::Failed: return QStringLiteral("failed");
    case PhotoModeration::State::Skipped: return QStringLiteral("skipped");
    }
    return {};
}

PhotoModeration::State moderationStateFromName(const QString &name)
{
    for (auto s : {PhotoModeration::State::Pending, PhotoModeration::State::Done, PhotoModeration::State::Failed, PhotoModeration::State::Skipped}) {
        if (name == moderationStateName(s))
            return s;
    }
    return PhotoModeration::State::Off;
}

PhotoText analysePhotoText(std::vector<TextLine> lines, const ContactOptions &options)
{
    // OCR reads a hyphen as any of the dashes, often two of them ("shop—-co").
    static const QRegularExpression dashes(QStringLiteral("[\\x{2010}-\\x{2015}\\x{2212}-]+"));
    PhotoText out;
    for (TextLine &line : lines) {
        line.text.replace(dashes, QStringLiteral("-"));
        const double perChar = line.text.isEmpty() ? 0 : double(line.box.width()) / line.text.size();
        for (ContactDetail &d : findContactDetails(line.text, options)) {
            // Where in the line it stands, by its share of the characters.
            const QRect box(line.box.x() + int(d.start * perChar), line.box.y(), std::max(1, int(d.length * perChar)), line.box.height());
            out.contacts.push_back({std::move(d), box});
        }
        if (const QString mark = stockMark(line.text); !mark.isEmpty() && !out.stockMarks.contains(mark))
            out.stockMarks << mark;
    }
    addUnsureContacts(lines, options, out.contacts);
    // A line of which no word was read surely enough is not shown.
    lines.erase(std::remove_if(lines.begin(), lines.end(), [](const TextLine &l) { return l.text.isEmpty(); }), lines.end());
    out.lines = std::move(lines);
    return out;
}

} // namespace listinglens
