#include "decision_commands.h"

#include "decision_controller.h"
#include "session.h"

#include <QCoreApplication>

namespace listinglens::ui {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("listinglens::ui::DecisionCommand", text);
}

} // namespace

DecisionCommand::DecisionCommand(DecisionController &desk, const DecisionStep &step) : m_desk(desk), m_step(step) {}

void DecisionCommand::undo()
{
    PhotoListModel *photos = m_desk.photos();
    const int id = m_step.before.id;
    const PhotoItem *item = photos->itemById(id);
    if (!item)
        return;
    const QString suggested = item->result.category.id;
    // Sent to the store thread: taken back in whichever database it went to,
    // or let go of while it is still kept on disk for its own.
    const bool stored = m_step.decisionKey > 0;
    const QString name = item->name;
    DecisionStep takenBack = m_step;
    takenBack.before = *item; // the decision taken back, should the store refuse
    if (photos->restoreDecision(id, m_step.before))
        m_desk.describeAs(*photos->itemById(id), m_step.before.chosenCategoryId);
    if (stored)
        m_desk.takeBackStored(takenBack, suggested);
    m_desk.showPhoto(id);
    const QString message = stored                        ? tr("Undoing the decision on %1…")
                            : m_step.before.decision.made ? tr("Undone: %1 is back to its earlier decision")
                                                          : tr("Undone: %1 is undecided again");
    m_desk.say(message.arg(name), 6000);
}

AcceptCommand::AcceptCommand(DecisionController &desk, const DecisionStep &step) : DecisionCommand(desk, step)
{
    setText(tr("decision on %1").arg(step.before.name));
}

CorrectCommand::CorrectCommand(DecisionController &desk, const DecisionStep &step) : DecisionCommand(desk, step)
{
    setText(tr("decision on %1").arg(step.before.name));
}

std::unique_ptr<DecisionCommand> decisionCommand(DecisionController &desk, const DecisionStep &step, const Decision &made)
{
    if (made.corrected)
        return std::make_unique<CorrectCommand>(desk, step);
    return std::make_unique<AcceptCommand>(desk, step);
}

RemovalCommand::RemovalCommand(DecisionController &desk, const PhotoItem &item, int row) : m_desk(desk), m_item(item), m_row(row)
{
    setText(tr("removing %1").arg(item.name));
}

void RemovalCommand::storedMeanwhile(qint64 predictionId, const QString &database)
{
    m_item.predictionId = predictionId;
    m_item.database = database;
    m_storeDecision = m_item.decision.made;
}

void RemovalCommand::undo()
{
    // A decision not stored yet is stored now: once its redone suggestion is in
    // (asked again: the answer went with the photo), or at once when its row came meanwhile.
    PhotoListModel *photos = m_desk.photos();
    const int id = m_item.id;
    if (photos->restore(m_item, m_row))
        m_desk.describeAs(*photos->itemById(id), m_item.chosenCategoryId);
    else if (m_storeDecision)
        m_desk.recordDecision(id, m_item.decision);
    m_desk.showPhoto(id);
    m_desk.say(tr("Brought back %1").arg(m_item.name), 6000);
}

} // namespace listinglens::ui
