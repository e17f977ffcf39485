import { mount } from 'svelte';
import App from './components/App.svelte';
import { Isolation } from './components/isolation.svelte';
import { loadClassroomSettings } from './classroomSettings';
import './styles.css';

// A page the service worker could make cross-origin isolated reloads before anything starts (src/isolation.ts).
const isolation = new Isolation();
if (!isolation.start()) {
  const classroom = await loadClassroomSettings();
  mount(App, { target: document.getElementById('app')!, props: { classroom, isolation } });
}
