#include "moderation_json.h"

#include <QJsonArray>

#include <cmath>

namespace listinglens {

namespace {

QJsonObject boxJson(const QRect &r)
{
    return {{QStringLiteral("x"), r.x()}, {QStringLiteral("y"), r.y()}, {QStringLiteral("width"), r.width()}, {QStringLiteral("height"), r.height()}};
}

QRect boxFromJson(const QJsonValue &v)
{
    const QJsonObject o = v.toObject();
    return {o.value(QStringLiteral("x")).toInt(), o.value(QStringLiteral("y")).toInt(), o.value(QStringLiteral("width")).toInt(),
            o.value(QStringLiteral("height")).toInt()};
}

ContactDetail::Kind contactKindFromName(const QString &name)
{
    for (auto k : {ContactDetail::Kind::Phone, ContactDetail::Kind::Email, ContactDetail::Kind::Url, ContactDetail::Kind::Handle,
                   ContactDetail::Kind::Messenger}) {
        if (contactKindName(k) == name)
            return k;
    }
    return ContactDetail::Kind::Phone;
}

} // namespace

QJsonObject photoTextToJson(const PhotoText &text)
{
    QJsonArray lines, contacts, brands;
    for (const TextLine &l : text.lines)
        lines.append(QJsonObject{{QStringLiteral("text"), l.text}, {QStringLiteral("box"), boxJson(l.box)},
                                 {QStringLiteral("confidence"), std::round(l.confidence * 1000) / 1000}});
    for (const FoundContact &c : text.contacts) {
        QJsonObject o{{QStringLiteral("kind"), contactKindName(c.detail.kind)}, {QStringLiteral("value"), c.detail.value},
                      {QStringLiteral("display"), c.detail.display}, {QStringLiteral("box"), boxJson(c.box)}};
        if (c.detail.possible)
            o.insert(QStringLiteral("possible"), true);
        contacts.append(o);
    }
    for (const FoundBrand &b : text.brands) {
        QJsonObject o{{QStringLiteral("name"), b.name}, {QStringLiteral("box"), boxJson(b.box)}};
        if (!b.categoryId.isEmpty())
            o.insert(QStringLiteral("category_id"), b.categoryId);
        brands.append(o);
    }
    return {{QStringLiteral("lines"), lines},
            {QStringLiteral("contacts"), contacts},
            {QStringLiteral("brands"), brands},
            {QStringLiteral("models"), QJsonArray::fromStringList(text.models)},
            {QStringLiteral("stock_marks"), QJsonArray::fromStringList(text.stockMarks)}};
}

QJsonObject moderationToJson(const PhotoModeration &m)
{
    QJsonArray faces;
    for (const QRect &f : m.faces)
        faces.append(boxJson(f));
    return {{QStringLiteral("state"), moderationStateName(m.state)},
            {QStringLiteral("flags"), QJsonArray::fromStringList(m.flags())},
            {QStringLiteral("faces"), faces}};
}

QJsonObject moderationToStoredJson(const PhotoModeration &m)
{
    return {{QStringLiteral("text"), photoTextToJson(m.text)}, {QStringLiteral("moderation"), moderationToJson(m)}};
}

PhotoModeration moderationFromStoredJson(const QJsonObject &stored)
{
    PhotoModeration m;
    const QJsonObject text = stored.value(QStringLiteral("text")).toObject();
    const QJsonObject mod = stored.value(QStringLiteral("moderation")).toObject();
    m.state = moderationStateFromName(mod.value(QStringLiteral("state")).toString());
    for (const QJsonValue &v : mod.value(QStringLiteral("faces")).toArray())
        m.faces.push_back(boxFromJson(v));
    for (const QJsonValue &v : text.value(QStringLiteral("lines")).toArray()) {
        const QJsonObject o = v.toObject();
        TextLine line;
        line.text = o.value(QStringLiteral("text")).toString();
        line.box = boxFromJson(o.value(QStringLiteral("box")));
        line.confidence = o.value(QStringLiteral("confidence")).toDouble();
        m.text.lines.push_back(std::move(line));
    }
    for (const QJsonValue &v : text.value(QStringLiteral("contacts")).toArray()) {
        const QJsonObject o = v.toObject();
        ContactDetail d;
        d.kind = contactKindFromName(o.value(QStringLiteral("kind")).toString());
        d.value = o.value(QStringLiteral("value")).toString();
        d.display = o.value(QStringLiteral("display")).toString(d.value);
        d.possible = o.value(QStringLiteral("possible")).toBool();
        m.text.contacts.push_back({d, boxFromJson(o.value(QStringLiteral("box")))});
    }
    for (const QJsonValue &v : text.value(QStringLiteral("brands")).toArray()) {
        const QJsonObject o = v.toObject();
        m.text.brands.push_back({o.value(QStringLiteral("name")).toString(), o.value(QStringLiteral("category_id")).toString(),
                                 boxFromJson(o.value(QStringLiteral("box")))});
    }
    for (const QJsonValue &v : text.value(QStringLiteral("models")).toArray())
        m.text.models << v.toString();
    for (const QJsonValue &v : text.value(QStringLiteral("stock_marks")).toArray())
        m.text.stockMarks << v.toString();
    return m;
}

} // namespace listinglens
