/** What the Experiments view specs share: filling the grid form (the fields, then the advanced ones behind the details summary). */
import type { Page } from '@playwright/test'

const FIELDS = { frozen: 'exp-frozen', shots: 'exp-shots', folds: 'exp-folds', seeds: 'exp-seeds', pretrainSeeds: 'exp-pretrain-seeds' } as const
const ADVANCED = {
  tuneBudget: 'exp-tune-budget',
  pretrainEpochs: 'exp-pretrain-epochs',
  steps: 'exp-steps',
  finetuneEpochs: 'exp-finetune-epochs',
  finetuneSteps: 'exp-finetune-steps',
} as const

/** The text typed into each field of the grid form. */
export type GridForm = Record<keyof typeof FIELDS | keyof typeof ADVANCED, string>

/** Types a grid into the Experiments form (sources and target chosen before); opens the advanced settings to do so. */
export async function fillGridForm(app: Page, grid: GridForm): Promise<void> {
  for (const [key, id] of Object.entries(FIELDS)) await app.getByTestId(id).fill(grid[key as keyof typeof FIELDS])
  await app.locator('details summary').click()
  for (const [key, id] of Object.entries(ADVANCED)) await app.getByTestId(id).fill(grid[key as keyof typeof ADVANCED])
}
