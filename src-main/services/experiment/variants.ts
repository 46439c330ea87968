/** A variant = one arm with its fixed settings, over every shots value (a row of the headline's ranking). */
import type { ResultRecord } from '../../../src-shared/contract/experiments'

export function variantKey(r: Pick<ResultRecord, 'method' | 'source' | 'pretrain_loss' | 'finetune_loss' | 'frozen'>): string {
  return [r.method, r.source ?? '-', r.pretrain_loss ?? '-', r.finetune_loss ?? '-', r.frozen ?? '-'].join('|')
}

export function variantLabel(r: Pick<ResultRecord, 'method' | 'source' | 'pretrain_loss' | 'finetune_loss' | 'frozen'>): string {
  if (r.method === 'softmax') return 'softmax classifier'
  if (r.method === 'target_only') return `target only (${r.finetune_loss})`
  if (r.method === 'recommended') return `recommended recipe on ${r.source} (${r.pretrain_loss})`
  if (r.method === 'pretrained_only') return `pre-trained only on ${r.source} (${r.pretrain_loss})`
  return `fine-tuned from ${r.source} (pre-trained ${r.pretrain_loss}, fine-tuned ${r.finetune_loss}, frozen ${r.frozen})`
}
