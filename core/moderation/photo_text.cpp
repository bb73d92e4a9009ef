#include "photo_text.h"

#include <QRegularExpression>

namespace listinglens {

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
    out.lines = std::move(lines);
    return out;
}

} // namespace listinglens
