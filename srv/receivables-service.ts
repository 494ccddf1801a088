import cds from '@sap/cds'
import { Invoice, Dispute } from '#cds-models/ReceivablesService'
import { ConversationError } from './crm/errors'
import { confirmInvoice, raiseDispute } from './crm/conversations'
import { addComment, closeDispute, resolveDispute, startProcessing } from './crm/disputes'

/** AR's view of the mirror and the conversation; what clerks record and how disputes move on. */
export default class ReceivablesService extends cds.ApplicationService {
  init() {
    this.on(Invoice.actions.recordConfirmation, async req => {
      const { source, note } = req.data
      await this.conversationStep(req, () => confirmInvoice(this.key(req), { by: req.user.id, channel: source, note }))
      return SELECT.one.from('ReceivablesService.Conversations').where({ invoice_ID: this.key(req) })
    })

    this.on(Invoice.actions.recordDispute, async req => {
      const { source, reason, comment, amount } = req.data
      const { dispute } = await this.conversationStep(req, () => raiseDispute(this.key(req), { reason, comment, amount }, { by: req.user.id, channel: source }))
      return SELECT.one.from('ReceivablesService.Disputes').where({ ID: dispute })
    })

    this.on(Dispute.actions.startProcessing, req => this.disputeStep(req, id => startProcessing(id, req.user.id)))
    this.on(Dispute.actions.resolveDispute, req => this.disputeStep(req, id => resolveDispute(id, req.data.outcome, req.data.resolution ?? '', req.user.id)))
    this.on(Dispute.actions.close, req => this.disputeStep(req, id => closeDispute(id, req.user.id)))
    this.on(Dispute.actions.addComment, req => this.disputeStep(req, id => addComment(id, req.data.text, Boolean(req.data.internal), req.user.id)))

    return super.init()
  }

  /** The key of the bound action's instance. */
  private key(req: cds.Request): string {
    const [key] = req.params as (string | { ID: string })[]
    return typeof key === 'object' ? key.ID : key
  }

  private async conversationStep<T>(req: cds.Request, step: () => Promise<T>): Promise<T> {
    try {
      return await step()
    } catch (error) {
      if (error instanceof ConversationError) return req.reject(error.status, error.message)
      throw error
    }
  }

  private async disputeStep(req: cds.Request, step: (id: string) => Promise<unknown>) {
    await this.conversationStep(req, () => step(this.key(req)))
    return SELECT.one.from('ReceivablesService.Disputes').where({ ID: this.key(req) })
  }
}
