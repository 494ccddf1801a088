// Reminder Policies in Chromium, opened from the launchpad by an AR manager: the standard policy with its steps in
// the order of their days, a step's day and the description changed in draft and saved, then a step whose level falls
// below an earlier one's refused on Save with the reason, in the manager's words, and nothing of it saved.
import { objectPage, startFiori, tableRows } from './browser/fiori'

const P = 'invoicecrm.collections'

describe('Reminder Policies in Chromium', function () {
  this.timeout(600_000)
  const fiori = startFiori()
  const { expect } = fiori.test

  const steps = async () =>
    ((await SELECT.from(`${P}.ReminderSteps`).columns('offsetDays', 'level').where({ policy_ID: { in: SELECT.from(`${P}.ReminderPolicies`).columns('ID').where({ name: 'Standard' }) } }).orderBy('offsetDays')) as { offsetDays: number; level: number }[])

  it('edits the standard policy in draft, and refuses on Save a step whose level falls, with the reason', async () => {
    expect(await steps(), 'the standard policy of a new installation').to.deep.equal([
      { offsetDays: -5, level: 0 },
      { offsetDays: 1, level: 1 },
      { offsetDays: 10, level: 2 },
      { offsetDays: 20, level: 3 },
      { offsetDays: 35, level: 4 },
    ])
    const fp = await fiori.launchpad('manager')
    await fp.openTile('Reminder Policies')
    const { page } = fp
    await fp.waitFor(tableRows(page).filter({ hasText: 'Standard' }), 'the standard policy in the list')
    await fp.shot('fiori-reminder-policies')
    await fp.press(tableRows(page).filter({ hasText: 'Standard' }).first().locator('td.sapMListTblCell').first(), 'the standard policy')
    await fp.waitFor(objectPage(page).filter({ hasText: 'Standard' }), 'the object page of the standard policy')

    const stepsTable = page.locator('[id*="table::steps::LineItem"]:visible')
    const stepRows = tableRows(stepsTable.first())
    await fp.waitFor(stepRows.nth(4), 'the five steps')
    // In the order of their days, tone and escalation by name.
    const firstRow = (await stepRows.first().innerText()).replace(/\s+/g, ' ')
    expect(firstRow).to.match(/-5 .*0 .*Friendly/)
    expect((await stepRows.nth(4).innerText()).replace(/\s+/g, ' ')).to.match(/35 .*4 .*Final Notice.*Task for the Collector/)

    const edit = page.locator('button[id$="StandardAction::Edit"]:visible')
    const save = page.locator('button[id$="FooterBar::StandardAction::Save"]:visible')
    await fp.press(edit, 'the Edit button', 'draftEdit')
    const cellInput = (row: number, column: number) => stepRows.nth(row).locator('td.sapMListTblCell').nth(column).locator('input:visible')
    await fp.waitFor(cellInput(2, 0), 'the steps in edit mode')
    await fp.fill([
      { field: page.locator('[id*="FormElement::DataField::description::Field-edit"] :is(input, textarea):visible'), value: 'Level 2 two days later', what: 'the description' },
      { field: cellInput(2, 0), value: '12', what: 'the days of the third step' },
    ])
    await fp.press(save, 'the Save button', 'draftActivate')
    await fp.waitFor(edit, 'the saved policy')
    expect((await steps()).map(s => s.offsetDays)).to.deep.equal([-5, 1, 12, 20, 35])
    expect(await SELECT.one.from(`${P}.ReminderPolicies`).columns('description', 'modifiedBy').where({ name: 'Standard' })).to.deep.equal({
      description: 'Level 2 two days later',
      modifiedBy: 'manager',
    })

    // The second step (1 day) raised above the third (12 days): refused on Save, with the reason.
    await fp.press(edit, 'the Edit button', 'draftEdit')
    await fp.waitFor(cellInput(1, 1), 'the steps in edit mode')
    await fp.fill([{ field: cellInput(1, 1), value: '5', what: 'the level of the second step' }])
    await fp.settled('the changed level')
    await save.click()
    const reason = page.locator('.sapMDialog:visible, .sapMMessageView:visible, .sapMMsgStrip:visible').filter({ hasText: 'A later step cannot have a lower level than an earlier one.' })
    await fp.waitFor(reason, 'the reason the save was refused')
    await fp.shot('fiori-reminder-policy-refused')
    expect((await steps()).map(s => s.level), 'nothing of the refused draft saved').to.deep.equal([0, 1, 2, 3, 4])
    await fp.check()
  })
})
