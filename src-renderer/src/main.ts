// The client first: it takes the access token from the URL before the router rewrites it.
import { accessProblem } from './api/client'
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router } from './router'
import './styles.css'

if (accessProblem) {
  const box = document.createElement('p')
  box.dataset.testid = 'access-error'
  box.className = 'access-error'
  box.textContent = accessProblem
  document.getElementById('app')!.replaceWith(box)
} else {
  createApp(App).use(createPinia()).use(router).mount('#app')
}
