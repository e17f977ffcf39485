import { mount } from 'svelte';
import App from './components/App.svelte';
import { Isolation } from './app/isolation.svelte';
import { loadClassroomSettings } from './app/classroomSettings';
import './styles.css';

// A page the service worker could make cross-origin isolated reloads before anything starts (src/app/isolation.ts).
const isolation = new Isolation();
if (!isolation.start()) {
  const classroom = await loadClassroomSettings();
  mount(App, { target: document.getElementById('app')!, props: { classroom, isolation } });
}
