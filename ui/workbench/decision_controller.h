#pragma once

#include "decision_commands.h"
#include "photo_list_model.h"

#include <QHash>
#include <QObject>

class QUndoStack;

namespace listinglens::ui {

class ResultPanel;
class Session;
struct WorkbenchSettings;

// The moderator's decisions on the workbench's photos: recorded on the photo
// and stored as feedback under the moderator's name, and undone by Ctrl+Z
// through a QUndoStack of commands (decision_commands.h) that carry where each
// decision went. Choosing another category has the classification worker
// redo the rest of the suggestion for it (price, similar listings, text); a
// decision made before that answer is in waits for it, and is stored with the
// redone price and text. Lives on the GUI thread; the store's and the
// classification worker's answers come as queued signals from the session's
// threads.
class DecisionController : public QObject {
    Q_OBJECT
public:
    DecisionController(PhotoListModel *photos, ResultPanel *panel, Session *session, const WorkbenchSettings &settings,
                       QObject *parent = nullptr);
    ~DecisionController() override;

    QUndoStack *undoStack() const { return m_undo; }
    // The command on top of the stack (the next undone), or null.
    const QUndoCommand *nextUndo() const;
    // Recorded, undoable (an accept or a correction, by `decision`).
    void decide(const PhotoItem &before, const Decision &decision);
    void removed(const PhotoItem &item, int row); // undoable: brought back at its row
    void undo();                                  // the newest step, or says there is none
    void retryNotStored();                        // every decision not stored, written again
    void chooseCategory(int id, const QString &categoryId);
    void describeAs(const PhotoItem &item, const QString &categoryId);
    // Waits for the suggestions being redone and stores the decisions that waited for them.
    void storeWaiting();

    // For the commands.
    PhotoListModel *photos() const { return m_photos; }
    Session *session() const { return m_session; }
    // True when it put up a message of its own (kept in memory, and why).
    bool recordDecision(int id, const Decision &decision);
    // Asks the store to take back the decision `step` names (step.before: the photo with it).
    void takeBackStored(const DecisionStep &step, const QString &suggestedCategoryId);
    void showPhoto(int id) { Q_EMIT rowWanted(m_photos->rowOf(id)); }
    void say(const QString &text, int timeoutMs) { Q_EMIT message(text, timeoutMs); }

Q_SIGNALS:
    void message(const QString &text, int timeoutMs);
    void rowWanted(int row);
    void shownChanged(int id);        // the photo's decision or suggestion changed: shown again if it is
    void stepsChanged();              // what Ctrl+Z would take back
    void notStoredChanged(bool any);  // decisions the store refused: Retry

private:
    void connectStore();
    void connectClassification();
    void undoRefused(int serial, int id, const QString &why);
    void storedLater(int id, qint64 predictionId, const QString &database);
    void descriptionDone(int id);
    DecisionCommand *newestDecisionOn(int id) const;

    PhotoListModel *m_photos;
    ResultPanel *m_panel;
    Session *m_session;
    const WorkbenchSettings &m_settings;
    QUndoStack *m_undo;
    QHash<int, DecisionStep> m_undoing; // taken back here, the store's answer still to come: by undo serial
    int m_undoSerial = 0;
    int m_decisionKey = 0;
};

} // namespace listinglens::ui
