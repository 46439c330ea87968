import { createRouter, createWebHashHistory } from 'vue-router'
import DatasetsView from './views/DatasetsView.vue'
import LabelView from './views/LabelView.vue'
import EnrollView from './views/EnrollView.vue'
import ExperimentsView from './views/ExperimentsView.vue'
import TrainView from './views/TrainView.vue'
import LiveView from './views/LiveView.vue'
import ModelView from './views/ModelView.vue'

/** The places of the app; the order is the sidebar's and the menu's (Ctrl+1..6). */
export const VIEWS = [
  { path: '/datasets', name: 'datasets', title: 'Datasets', component: DatasetsView },
  { path: '/label', name: 'label', title: 'Label', component: LabelView },
  { path: '/enroll', name: 'enroll', title: 'Enroll', component: EnrollView },
  { path: '/train', name: 'train', title: 'Train', component: TrainView },
  { path: '/experiments', name: 'experiments', title: 'Experiments', component: ExperimentsView },
  { path: '/live', name: 'live', title: 'Live', component: LiveView },
] as const

export const router = createRouter({
  // Hash history: works from file:// in Electron and keeps the shell's #token out of requests.
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/datasets' },
    ...VIEWS.map((v) => ({ path: v.path, name: v.name, component: v.component })),
    // a model's page, opened from every list that names the model (not in the sidebar)
    { path: '/models/:id(default|\\d+)', name: 'model', component: ModelView },
    // an address with only the token (`#token=…`, what `npm start` prints) opens the view this tab was on:
    // opening a restarted server's new address leaves the annotator where they were
    { path: '/:rest(.*)*', redirect: () => lastRoute() ?? '/datasets' },
  ],
})

const ROUTE_KEY = 'ser-route'
function lastRoute(): string | null {
  try {
    const r = sessionStorage.getItem(ROUTE_KEY)
    return r && r.startsWith('/') && !r.includes('token=') ? r : null
  } catch {
    return null
  }
}
router.afterEach((to) => {
  try {
    sessionStorage.setItem(ROUTE_KEY, to.fullPath)
  } catch {
    // no storage: a token-only address opens Datasets
  }
})
